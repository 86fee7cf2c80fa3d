package control

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cbsim/cbsim/simulator"
)

// browserNames are the executables the browser test looks for, in order.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome"}

// findBrowser returns the path of a Chromium to drive, or skips the test
// when there is none (fails instead with CBSIM_REQUIRE_CHROMIUM=1).
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no browser found (looked for " + strings.Join(browserNames, ", ") + " on $PATH): install Debian's chromium (apt-get install chromium) to run the console's browser test"
	if os.Getenv("CBSIM_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg + "; CBSIM_REQUIRE_CHROMIUM=1 makes that a failure")
	}
	t.Skip(msg)
	return ""
}

// switchable is a loopback tracker whose answer the test switches between
// 200 and 500; it counts the postbacks it was sent.
type switchable struct {
	status atomic.Int64
	hits   atomic.Int64
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	w.WriteHeader(int(s.status.Load()))
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

// browserRow is what the test reads of one journal row in the page.
type browserRow struct {
	N        int64  `json:"n"`
	State    string `json:"state"`  // data-status: delivered, failed, skipped
	Status   string `json:"status"` // the status cell's text
	URL      string `json:"url"`
	Text     string `json:"text"`
	Replay   bool   `json:"replay"` // has a Replay button
	Visible  bool   `json:"visible"`
	ReplayOf string `json:"replay_of"`
}

// rowJS is a JavaScript function of the page's journal rows to the first
// browserRow that pred (a JavaScript function of a row) accepts, or null.
const rowJS = `(pred) => {
	for (const tr of document.querySelectorAll("#journal tbody tr[data-n]")) {
		const r = {n: Number(tr.dataset.n), state: tr.dataset.status, status: tr.querySelector("td.status").textContent,
			url: tr.querySelector("td.url").textContent, text: tr.textContent, replay: !!tr.querySelector("button.replay"),
			visible: !tr.hidden, replay_of: (tr.querySelector(".replay-of") || {textContent: ""}).textContent};
		if (pred(r)) return r;
	}
	return null;
}`

// waitRow waits until the page shows a journal row that pred accepts.
func waitRow(ctx context.Context, t *testing.T, what, pred string) browserRow {
	t.Helper()
	r, err := chromedp.Run(ctx, chromedp.Poll[browserRow]("("+rowJS+")("+pred+")", chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		rows, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#journal tbody").innerText + " | " + document.querySelector("#journal-msg").textContent + " | " + document.querySelector("#fire-msg").textContent`))
		t.Fatalf("waiting for %s: %v; the page shows: %s", what, err, rows)
	}
	return r
}

// TestConsoleInBrowser drives the console in headless Chromium against a
// real control API and a loopback tracker: the preview shows the URL the
// API's dry run builds before anything is sent, a fired event appears in
// the journal with status 200, one the tracker refuses with 500 appears as
// failed with a Replay button, and Replay, once the tracker answers again,
// adds a row "replay of #N" with status 200.
func TestConsoleInBrowser(t *testing.T) {
	exe := findBrowser(t)
	srv, trk := consoleServer(t)
	bctx := startBrowser(t, exe)

	// Save a screenshot whatever happens, for a person to look at.
	defer func() {
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		dir := os.Getenv("CBSIM_ARTIFACTS")
		if dir == "" {
			dir = t.TempDir()
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Errorf("screenshot: %v", err)
			return
		}
		path := filepath.Join(dir, "console.png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Errorf("screenshot: %v", err)
			return
		}
		t.Logf("screenshot of the console: %s", path)
	}()

	// Load the page and fill the form; preview with a seed.
	const seed = 4242
	if err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitReady(chromedp.CSS(`#fire-integration option[value="console-aff"]`)),
		setField("fire-event", "initial_purchase"),
		setField("fire-role", "affiliate"),
		setField("fire-integration", "console-aff"),
		chromedp.SendKeys(chromedp.ID("fire-tid"), "browser200"),
		chromedp.SendKeys(chromedp.ID("fire-seed"), strconv.Itoa(seed)),
		chromedp.Click(chromedp.ID("preview")),
	); err != nil {
		t.Fatalf("load the page and preview: %v", err)
	}
	shown, err := chromedp.Run(bctx, chromedp.Poll[string](`(document.querySelector("#preview-out li code") || {}).textContent`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("the preview shows no URL: %v", err)
	}
	status, dry := post(t, srv, "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"console-aff","tid":"browser200","seed":`+strconv.Itoa(seed)+`,"dry_run":true}`)
	want := dryURL(t, status, dry)
	if shown != want {
		t.Errorf("the preview shows %q; POST /fire dry_run builds %q", shown, want)
	}
	if n := trk.hits.Load(); n != 0 {
		t.Errorf("the tracker got %d postbacks from a preview; want none", n)
	}

	// Fire what was previewed: the row shows status 200 and the same URL.
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.ID("fire"))); err != nil {
		t.Fatal(err)
	}
	ok := waitRow(bctx, t, "the delivered row", `(r) => r.url.includes("clickid=browser200")`)
	if ok.Status != "200" || ok.State != "delivered" || ok.Replay || ok.URL != want {
		t.Errorf("the fired row: %+v; want status 200, delivered, no Replay button, URL %s", ok, want)
	}

	// The tracker fails: the row is failed, status 500, with a Replay button.
	trk.status.Store(http.StatusInternalServerError)
	if err := chromedp.Do(bctx,
		setField("fire-tid", ""),
		chromedp.SendKeys(chromedp.ID("fire-tid"), "browser500"),
		setField("fire-seed", ""),
		chromedp.Click(chromedp.ID("fire")),
	); err != nil {
		t.Fatal(err)
	}
	failed := waitRow(bctx, t, "the failed row", `(r) => r.url.includes("clickid=browser500")`)
	if failed.Status != "500" || failed.State != "failed" || !failed.Replay || failed.N == ok.N {
		t.Fatalf("the failed row: %+v; want status 500, failed, a Replay button", failed)
	}

	// The filter shows the failed row only.
	if err := chromedp.Do(bctx, setField("filter-status", "failed")); err != nil {
		t.Fatal(err)
	}
	shownRows, err := chromedp.Run(bctx, chromedp.Evaluate[[]int64](visibleRowsJS))
	if err != nil || len(shownRows) != 1 || shownRows[0] != failed.N {
		t.Errorf("with the filter failed the page shows rows %v (%v); want only #%d", shownRows, err, failed.N)
	}
	if err := chromedp.Do(bctx, setField("filter-status", "")); err != nil {
		t.Fatal(err)
	}

	// The tracker is back: Replay adds a row "replay of #N" with status 200.
	trk.status.Store(http.StatusOK)
	before := trk.hits.Load()
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#journal tbody tr[data-n="`+strconv.FormatInt(failed.N, 10)+`"] button.replay`))); err != nil {
		t.Fatal(err)
	}
	replayed := waitRow(bctx, t, "the replay row", `(r) => r.replay_of === "replay of #`+strconv.FormatInt(failed.N, 10)+`"`)
	if replayed.Status != "200" || replayed.State != "delivered" || replayed.URL != failed.URL || replayed.N == failed.N {
		t.Errorf("the replay row: %+v; want status 200, delivered, the URL of #%d (%s)", replayed, failed.N, failed.URL)
	}
	if got := trk.hits.Load() - before; got != 1 {
		t.Errorf("the tracker got %d postbacks from one Replay; want 1", got)
	}

	// A postback fired through the API, not the page, reaches the page by
	// the journal stream alone.
	if status, out := post(t, srv, "/fire", `{"event":"upsell_purchase","role":"affiliate","integration":"console-aff","tid":"fromapi"}`); status != http.StatusOK {
		t.Fatalf("POST /fire: %d %v", status, out)
	}
	streamed := waitRow(bctx, t, "the row of a postback fired through the API", `(r) => r.url.includes("clickid=fromapi")`)
	if streamed.Status != "200" || !strings.Contains(streamed.Text, "Upsell Purchase") {
		t.Errorf("the streamed row: %+v; want status 200, Upsell Purchase", streamed)
	}

	// The event filter shows the upsell only.
	if err := chromedp.Do(bctx, setField("filter-event", "upsell_purchase")); err != nil {
		t.Fatal(err)
	}
	shownRows, err = chromedp.Run(bctx, chromedp.Evaluate[[]int64](visibleRowsJS))
	if err != nil || len(shownRows) != 1 || shownRows[0] != streamed.N {
		t.Errorf("with the filter upsell_purchase the page shows rows %v (%v); want only #%d", shownRows, err, streamed.N)
	}
	if err := chromedp.Do(bctx, setField("filter-event", "")); err != nil { // every row in the screenshot
		t.Fatal(err)
	}
}

// visibleRowsJS gives the numbers of the journal rows the filters show.
const visibleRowsJS = `[...document.querySelectorAll("#journal tbody tr[data-n]")].filter(tr => !tr.hidden).map(tr => Number(tr.dataset.n))`

// setField sets the value of the form field with that id as a person
// would, with the input and change events the page listens to.
func setField(id, value string) chromedp.Action[chromedp.Void] {
	args, _ := json.Marshal([]string{id, value})
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Evaluate[string](`((id, v) => {
			const f = document.getElementById(id);
			f.value = v;
			f.dispatchEvent(new Event("input", {bubbles: true}));
			f.dispatchEvent(new Event("change", {bubbles: true}));
			return f.value;
		})(...`+string(args)+`)`)(ctx, t)
		if err == nil && got != value {
			err = fmt.Errorf("field #%s took %q, not %q", id, got, value)
		}
		return err
	})
}

// TestConsoleAsksForToken: with a server token the page still loads, asks
// for the token when the API answers 401, keeps it in sessionStorage, and
// then reads the API with it.
func TestConsoleAsksForToken(t *testing.T) {
	exe := findBrowser(t)
	srv, _ := consoleServer(t, WithToken("s3cret-console"))
	bctx := startBrowser(t, exe)
	if err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("token-box")),
	); err != nil {
		t.Fatalf("the page shows no token box: %v", err)
	}
	if n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#integrations tbody tr").length`)); err != nil || n != 0 {
		t.Fatalf("integrations shown without the token: %d rows (%v)", n, err)
	}
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("token"), "s3cret-console"),
		chromedp.Click(chromedp.ID("token-save")),
		chromedp.WaitReady(chromedp.CSS(`#integrations tbody tr[data-name="console-aff"]`)),
		chromedp.WaitNotVisible(chromedp.ID("token-box")),
	); err != nil {
		t.Fatalf("after the token: %v", err)
	}
	stored, err := chromedp.Run(bctx, chromedp.Evaluate[string](`sessionStorage.getItem("cbsim.token")`))
	if err != nil || stored != "s3cret-console" {
		t.Errorf("sessionStorage holds %q (%v); want the token", stored, err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Poll[string](`document.getElementById("conn").dataset.state === "live" && "live"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		state, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("conn").dataset.state`))
		t.Errorf("the journal stream is %q after the token; want live (%v)", state, err)
	}
}

// TestConsoleIntegrationsAndClock: the Active toggle turns the
// integration off and on through the API, and the clock view advances the
// simulator's clock by days.
func TestConsoleIntegrationsAndClock(t *testing.T) {
	exe := findBrowser(t)
	srv, _ := consoleServer(t)
	bctx := startBrowser(t, exe)
	toggle := chromedp.CSS(`#integrations input.active-toggle[data-name="console-aff"]`)
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady(toggle)); err != nil {
		t.Fatalf("load the page: %v", err)
	}
	for _, want := range []bool{false, true} {
		if err := chromedp.Do(bctx, chromedp.Click(toggle)); err != nil {
			t.Fatal(err)
		}
		option := `!(document.querySelector('#fire-integration option[value="console-aff"]').textContent.includes("inactive"))`
		if !want {
			option = "!" + option
		}
		if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`(() => { const b = document.querySelector('#integrations input.active-toggle[data-name="console-aff"]'); return b && !b.disabled && b.checked === `+strconv.FormatBool(want)+` && `+option+`; })()`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("the toggle does not show active=%v: %v", want, err)
		}
		var list []integrationRecord
		getJSON(t, srv, "/integrations", &list)
		if len(list) != 1 || list[0].Active != want {
			t.Fatalf("after the toggle GET /integrations says %+v; want console-aff active=%v", list, want)
		}
	}

	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.getElementById("clock-offset").textContent === "0s"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the clock view shows no offset 0s: %v", err)
	}
	if err := chromedp.Do(bctx, setField("clock-days", "60"), chromedp.Click(chromedp.ID("clock-advance"))); err != nil {
		t.Fatal(err)
	}
	const sixty = "1440h0m0s"
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.getElementById("clock-offset").textContent === "`+sixty+`"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		shown, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("clock-offset").textContent + " | " + document.getElementById("clock-msg").textContent`))
		t.Fatalf("after advancing 60 days the clock view shows %q: %v", shown, err)
	}
	var clock struct{ Now, Offset string }
	getJSON(t, srv, "/clock", &clock)
	now, err := time.Parse(time.RFC3339, clock.Now)
	if clock.Offset != sixty || err != nil || time.Until(now) < 59*24*time.Hour {
		t.Errorf("after advancing 60 days GET /clock says %+v; want offset %s", clock, sixty)
	}
	shownNow, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("clock-now")))
	if err == nil {
		var shown time.Time
		shown, err = time.Parse("2006-01-02 15:04:05 MST", shownNow)
		if d := shown.Sub(now); err == nil && (d < -time.Minute || d > time.Minute) {
			err = fmt.Errorf("%s from GET /clock's", d)
		}
	}
	if err != nil {
		t.Errorf("the clock view shows now %q (%v); want about %s", shownNow, err, clock.Now)
	}
}

// getJSON decodes the JSON answer of GET path into v.
func getJSON(t *testing.T, srv *Server, path string, v any) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// consoleServer starts the control API of a simulator over the default
// catalog whose one integration, console-aff, posts to a switchable
// loopback tracker.
func consoleServer(t *testing.T, opts ...Option) (*Server, *switchable) {
	t.Helper()
	trk := &switchable{}
	trk.status.Store(http.StatusOK)
	rcv := httptest.NewServer(trk)
	t.Cleanup(rcv.Close)
	ins, err := simulator.ParseIntegrations("console.json", []byte(`{"integrations":[{"name":"console-aff","role":"affiliate","account":"aff01","active":true,
		"events":["order_form_impression","initial_purchase","upsell_purchase"],
		"url":"`+rcv.URL+`/postback?clickid={tid}&sum={affiliate_earnings}&eventid={event_id}"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(simulator.New(c, ins), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, trk
}

// startBrowser starts headless Chromium for at most browserTimeout and
// returns its context; the browser ends with the test, and an exception or
// a CSP refusal on the page's console fails the test.
func startBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1400, 1000))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)

	var mu sync.Mutex
	var bad []string
	done := make(chan struct{})
	msgs := chromedp.Console(bctx)
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			t.Logf("browser console: %s", m)
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				bad = append(bad, m.String())
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		bcancel()
		acancel()
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, b := range bad {
			t.Errorf("the page's console: %s", b)
		}
	})
	return bctx
}

// browserTimeout bounds each browser test.
const browserTimeout = 60 * time.Second

// dryURL returns the one URL of a POST /fire dry run's answer.
func dryURL(t *testing.T, status int, out map[string]any) string {
	t.Helper()
	ds, _ := out["deliveries"].([]any)
	if status != http.StatusOK || len(ds) != 1 {
		b, _ := json.Marshal(out)
		t.Fatalf("POST /fire dry_run: %d %s; want 200 and one delivery", status, b)
	}
	d, _ := ds[0].(map[string]any)
	u, _ := d["url"].(string)
	if u == "" {
		t.Fatalf("POST /fire dry_run: a delivery without a URL: %v", d)
	}
	return u
}

// TestConsoleFollowsAReset: the page clears its journal when the journal
// is cleared (DELETE /journal) and shows the new journal's deliveries,
// numbered from 0 again.
func TestConsoleFollowsAReset(t *testing.T) {
	exe := findBrowser(t)
	srv, _ := consoleServer(t)
	bctx := startBrowser(t, exe)
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady(chromedp.CSS(`#fire-integration option[value="console-aff"]`))); err != nil {
		t.Fatal(err)
	}
	for _, tid := range []string{"before1", "before2"} {
		if status, out := post(t, srv, "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"console-aff","tid":"`+tid+`"}`); status != http.StatusOK {
			t.Fatalf("POST /fire: %d %v", status, out)
		}
	}
	waitRow(bctx, t, "the second row before the reset", `(r) => r.url.includes("clickid=before2")`)
	if code, body := call(t, srv, "DELETE", "/journal", ""); code != http.StatusNoContent {
		t.Fatalf("DELETE /journal: %d %s", code, body)
	}
	if status, out := post(t, srv, "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"console-aff","tid":"after1"}`); status != http.StatusOK {
		t.Fatalf("POST /fire: %d %v", status, out)
	}
	after := waitRow(bctx, t, "the row after the reset", `(r) => r.url.includes("clickid=after1")`)
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]int64](visibleRowsJS))
	if err != nil || len(rows) != 1 || rows[0] != 0 || after.N != 0 {
		t.Fatalf("after the reset the page shows rows %v (%v), the new one numbered %d; want only #0", rows, err, after.N)
	}
}
