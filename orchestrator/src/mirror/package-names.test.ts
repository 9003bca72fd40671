import { describe, expect, it } from "vitest";
import { parseAllowlist } from "./package-allowlist";
import { isProjectName, normalizeProjectName, versionOfFile } from "./package-names";

describe("project names as PyPI compares them", () => {
  it.each([
    ["Foo.Bar", "foo-bar"],
    ["foo_bar", "foo-bar"],
    ["FOO--bar", "foo-bar"],
    ["scikit-learn", "scikit-learn"],
  ])("normalises %s to %s", (name, normal) => expect(normalizeProjectName(name)).toBe(normal));

  it.each(["six", "a", "zope.interface", "x2", "A_b-c.d"])("takes %s as a name", (n) =>
    expect(isProjectName(n)).toBe(true),
  );
  it.each(["", "-six", "six-", "six==1.0", "six>=1", "../etc", "a b", "https://x", "%2e%2e", "x".repeat(101)])(
    "refuses %j as a name",
    (n) => expect(isProjectName(n)).toBe(false),
  );

  it.each([
    ["six", "six-1.16.0-py2.py3-none-any.whl", "1.16.0"],
    ["zope-interface", "zope_interface-7.0-cp311-cp311-manylinux_2_17_x86_64.whl", "7.0"],
    ["zope-interface", "zope.interface-7.0.tar.gz", "7.0"],
    ["python-dateutil", "python-dateutil-2.9.0.post0.tar.gz", "2.9.0.post0"],
    ["six", "six-1.16.0.zip", "1.16.0"],
    ["six", "other-1.0.tar.gz", undefined],
    ["six", "six-1.0.exe", undefined],
  ])("reads the version of %s from %s", (project, file, version) => expect(versionOfFile(project, file)).toBe(version));
});

describe("the allowlist as operators write it", () => {
  it("keeps names in normal form, once each, sorted, without comments and blank lines", () => {
    expect(parseAllowlist("# statistics\nPandas\n\nscikit_learn  # models\nsix\npandas\r\n")).toEqual({
      ok: true,
      names: ["pandas", "scikit-learn", "six"],
    });
  });

  it("refuses a list with a malformed line, naming every such line and taking nothing", () => {
    expect(parseAllowlist("six\nrequests==2.0\n\nhttps://evil.example/x.whl\nnumpy")).toEqual({
      ok: false,
      errors: [
        { line: 2, entry: "requests==2.0", message: '"requests==2.0" is not a project name' },
        {
          line: 4,
          entry: "https://evil.example/x.whl",
          message: '"https://evil.example/x.whl" is not a project name',
        },
      ],
    });
  });
});
