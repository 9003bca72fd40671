import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * A wide table's own sideways scroll, so that on a phone the table scrolls and the page does not. While the
 * table is wider than its box, the box takes focus, so that it can be scrolled with the keyboard too, and is
 * named by its table (a group, not a region: the section around it is the landmark); while it fits, it is no
 * stop on the way through the page.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="table-scroll" {...(scrolls ? { tabIndex: 0, role: "group", "aria-label": label } : {})}>
      {children}
    </div>
  );
}
