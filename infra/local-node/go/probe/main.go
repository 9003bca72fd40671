// spe-probe: the one program in the local node's test image. It plays every part a network test needs
// (pause container, server, client) so the image stays a single static binary with no shell inside.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: spe-probe pause | serve PORT... | connect WINDOW_MS HOST:PORT... | get URL... | forward PORT HOST:PORT")
	}
	switch os.Args[1] {
	case "pause":
		waitForSignal()
	case "serve":
		serve(os.Args[2:])
	case "connect":
		connect(os.Args[2:])
	case "get":
		get(os.Args[2:])
	case "forward":
		forward(os.Args[2:])
	default:
		fail("unknown command " + os.Args[1])
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, message)
	os.Exit(2)
}

func waitForSignal() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
}

// serve answers every HTTP request on each port with the pod's host name, so a client knows whom it reached.
func serve(ports []string) {
	host, _ := os.Hostname()
	for _, port := range ports {
		if _, err := strconv.Atoi(port); err != nil {
			fail("not a port: " + port)
		}
		go func(port string) {
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// Lets a test ask a running workspace, through the network path it allows, whether a
				// folder can be written: the data volume must not be.
				if dir := r.URL.Query().Get("write-check"); dir != "" {
					fmt.Fprintln(w, writeCheck(dir))
					return
				}
				// A browser (the researcher's journey through the gateway) gets a page that says whose
				// workspace it reached; everything else the plain answer the network tests read.
				if strings.Contains(r.Header.Get("Accept"), "text/html") {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					fmt.Fprint(w, standInPage(host, r.URL.Path))
					return
				}
				fmt.Fprintf(w, "spe-probe %s\n", host)
			})
			fail(http.ListenAndServe(":"+port, handler).Error())
		}(port)
	}
	waitForSignal()
}

// standInPage is what a workspace stand-in shows a browser: the environment (SPE_NAMESPACE) and the permit
// (SPE_PERMIT_ID) the pod was started for, the pod and the path asked for, HTML-escaped.
func standInPage(host, path string) string {
	namespace, permit := html.EscapeString(os.Getenv("SPE_NAMESPACE")), html.EscapeString(os.Getenv("SPE_PERMIT_ID"))
	return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Workspace stand-in: " + namespace + "</title></head>\n" +
		"<body><main><h1>Workspace stand-in of " + namespace + "</h1>\n" +
		"<p>Permit <span id=\"permit\">" + permit + "</span>, pod <span id=\"pod\">" + html.EscapeString(host) + "</span>, path <code id=\"path\">" + html.EscapeString(path) + "</code>.</p>\n" +
		"<p>The local node runs this probe in place of JupyterLab.</p></main></body></html>\n"
}

// connect tries each address, all at once, again and again until it connects or WINDOW_MS have passed,
// and reports, as JSON in the termination message the kubelet puts into the pod's status, whether each one
// ever answered: the test reads the verdict without exec. Retrying matters: a new pod's first packets may
// leave before the policy enforcer has learnt its address (it drops them until then, failing closed).
func connect(args []string) {
	if len(args) < 2 {
		fail("usage: spe-probe connect WINDOW_MS HOST:PORT...")
	}
	windowMs, err := strconv.Atoi(args[0])
	if err != nil {
		fail("not a time in milliseconds: " + args[0])
	}
	deadline := time.Now().Add(time.Duration(windowMs) * time.Millisecond)
	results := make([]string, len(args)-1)
	var wg sync.WaitGroup
	for i, address := range args[1:] {
		wg.Add(1)
		go func(i int, address string) {
			defer wg.Done()
			for {
				results[i] = dial(address, 300*time.Millisecond)
				if results[i] == "connected" || time.Now().After(deadline) {
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
		}(i, address)
	}
	wg.Wait()
	report := map[string]string{}
	for i, address := range args[1:] {
		report[address] = results[i]
	}
	writeReport(report)
}

func dial(address string, timeout time.Duration) string {
	conn, err := net.DialTimeout("tcp", address, timeout)
	if err == nil {
		conn.Close()
		return "connected"
	}
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	default:
		return "error: " + err.Error()
	}
}

// forward relays every TCP connection on PORT to TARGET: a pod that stands in, inside the cluster, for a
// server on the host (the orchestrator of npm start), so that NetworkPolicies can name it by its labels.
func forward(args []string) {
	if len(args) != 2 {
		fail("usage: spe-probe forward PORT HOST:PORT")
	}
	listener, err := net.Listen("tcp", ":"+args[0])
	if err != nil {
		fail(err.Error())
	}
	for {
		client, err := listener.Accept()
		if err != nil {
			fail(err.Error())
		}
		go func() {
			defer client.Close()
			upstream, err := net.DialTimeout("tcp", args[1], 3*time.Second)
			if err != nil {
				return
			}
			defer upstream.Close()
			go io.Copy(upstream, client)
			io.Copy(client, upstream)
		}()
	}
}

// writeCheck reports whether a file can be created in dir: "writable", or the error (e.g. read-only file system).
func writeCheck(dir string) string {
	file, err := os.CreateTemp(dir, ".spe-probe-*")
	if err != nil {
		return err.Error()
	}
	file.Close()
	os.Remove(file.Name())
	return "writable"
}

// get fetches each URL and reports its status and body (or the last error) in the termination message;
// a connection that fails is tried again for five seconds, like connect does, for the enforcer to catch up.
func get(urls []string) {
	client := http.Client{Timeout: time.Second}
	results := map[string]string{}
	for _, url := range urls {
		deadline := time.Now().Add(5 * time.Second)
		res, err := client.Get(url)
		for err != nil && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			res, err = client.Get(url)
		}
		if err != nil {
			results[url] = "error: " + err.Error()
			continue
		}
		body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
		results[url] = fmt.Sprintf("%d %s", res.StatusCode, strings.TrimSpace(string(body)))
	}
	writeReport(results)
}

func writeReport(results map[string]string) {
	text, _ := json.Marshal(results)
	fmt.Println(string(text))
	if err := os.WriteFile("/dev/termination-log", text, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "could not write the termination message:", err)
	}
}
