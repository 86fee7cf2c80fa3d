package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBody is how much of a tracker's reply is kept in the journal.
const maxBody = 512

// Dispatcher sends postbacks with GET, one request per attempt, and treats
// only a 2xx reply as delivered. ClickBank's real retry policy for postbacks
// is unknown, so the default is one attempt; Retry adds more
// (docs/clickbank.md §4). A 3xx reply is not followed unless
// FollowRedirects says so: the attempt records the status and its Location
// and is not delivered (docs/clickbank.md §4). It journals nothing: the
// Simulator does. Fields may not change while a delivery is in flight.
type Dispatcher struct {
	Client          *http.Client    // nil = http.DefaultClient; its CheckRedirect is overridden unless FollowRedirects
	Timeout         time.Duration   // per attempt; zero = DefaultTimeout
	Retry           []time.Duration // waits before the 2nd, 3rd, ... attempt; nil = one attempt
	FollowRedirects bool            // follow 3xx replies as the client would (the target's reply counts)
}

// Bounds of a retry schedule: ClickBank's own retry policy for postbacks is
// unknown (docs/clickbank.md §4); INS retries up to 5 times about 4 h apart
// (§6), well inside them.
const (
	// MaxRetries is the most waits a schedule may list.
	MaxRetries = 20
	// MaxRetryWait is the longest single wait.
	MaxRetryWait = 24 * time.Hour
)

// ParseRetry parses a retry schedule such as "100ms,1s,5s" (waits before
// each further attempt, at most MaxRetries of at most MaxRetryWait each);
// "" and "none" mean a single attempt.
func ParseRetry(s string) ([]time.Duration, error) {
	if s == "" || s == "none" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > MaxRetries {
		return nil, fmt.Errorf("retry schedule lists %d waits, at most %d retries are allowed", len(parts), MaxRetries)
	}
	var out []time.Duration
	for _, part := range parts {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("retry schedule %q: %q is not a duration like 500ms or 2s", s, part)
		}
		if d > MaxRetryWait {
			return nil, fmt.Errorf("retry schedule: wait %q is longer than %s, the longest allowed", strings.TrimSpace(part), MaxRetryWait)
		}
		out = append(out, d)
	}
	return out, nil
}

// Send sends a built delivery, retrying as configured, and returns it with
// its attempts. A skipped delivery is returned as it is. Tracker faults are
// data in the attempts, never a panic; a cancelled ctx stops the delivery
// at once, and a retry it prevents is journaled as an attempt not sent.
func (d *Dispatcher) Send(ctx context.Context, del Delivery) Delivery {
	if del.Skipped != "" {
		return del
	}
	for n := 1; ; n++ {
		a := d.attempt(ctx, del.URL, n)
		del.Attempts = append(del.Attempts, a)
		if a.Error == "" {
			del.Delivered = true
			return del
		}
		if n > len(d.Retry) {
			return del
		}
		if !wait(ctx, d.Retry[n-1]) {
			del.Attempts = append(del.Attempts, Attempt{N: n + 1, URL: del.URL, Error: "not sent: " + ctx.Err().Error()})
			return del
		}
	}
}

// wait waits for d and reports whether ctx is still live afterwards.
func wait(ctx context.Context, d time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return ctx.Err() == nil
	}
}

// client returns the HTTP client of an attempt: the configured one, which
// does not follow redirects unless FollowRedirects.
func (d *Dispatcher) client() *http.Client {
	c := d.Client
	if c == nil {
		c = http.DefaultClient
	}
	if d.FollowRedirects {
		return c
	}
	nc := *c // a shallow copy shares the transport and its connections
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &nc
}

func (d *Dispatcher) attempt(ctx context.Context, target string, n int) Attempt {
	a := Attempt{N: n, URL: target}
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		a.Error = "bad URL: " + err.Error()
		return a
	}
	req.Header.Set("User-Agent", "cbsim/1 (ClickBank postback simulator)")
	status := exchange(d.client(), req, time.Now, timeout, &a)
	switch {
	case status == 0 || a.Error != "":
		// no reply, or one that could not be read: exchange said why
	case status >= 300 && status <= 399 && a.Location != "":
		a.Error = fmt.Sprintf("HTTP %d %s: redirect to %s not followed, not delivered (only a 2xx counts; a dispatcher with FollowRedirects follows it)",
			status, http.StatusText(status), a.Location)
	case status < 200 || status > 299:
		a.Error = "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status)
	}
	return a
}

// exchange sends req with c and records in a what came back: the latency
// (by now), the status, the first maxBody bytes of the reply, a redirect's
// Location, and the error of a request that got no reply or whose reply
// could not be read (described against timeout). It returns the status, 0
// when there is none; what a status means is the caller's to say.
func exchange(c *http.Client, req *http.Request, now func() time.Time, timeout time.Duration, a *Attempt) int {
	start := now()
	resp, err := c.Do(req)
	if err != nil {
		a.Latency = now().Sub(start)
		a.Error = describe(err, timeout)
		return 0
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	resp.Body.Close()
	a.Latency = now().Sub(start)
	a.Status = resp.StatusCode
	a.Body = string(body)
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		a.Location = clip(resp.Header.Get("Location"), maxBody)
	}
	if rerr != nil {
		a.Error = "reading reply: " + describe(rerr, timeout)
	}
	return resp.StatusCode
}

// clip returns s cut to at most n bytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// describe turns a transport error into a short journal line. The URL is
// left out (the attempt has it) and whatever the error quotes of the reply
// is cut to a short printable prefix: a service that is not HTTP may answer
// with a banner holding a secret, which Go's transport quotes verbatim
// ("malformed HTTP status code \"…\"").
func describe(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("timeout after %s", timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	return elideQuoted(err.Error())
}

// maxQuoted is how many characters of a reply an error may quote.
const maxQuoted = 16

// elideQuoted shortens every quoted string in msg, and what follows
// "malformed MIME header line: " (quoted by no one), to a sanitised prefix.
func elideQuoted(msg string) string {
	const rawLine = "malformed MIME header line: "
	if i := strings.Index(msg, rawLine); i >= 0 {
		return elideQuoted(msg[:i]) + rawLine + quotePrefix(msg[i+len(rawLine):])
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i])
		q, err := strconv.QuotedPrefix(msg[i:])
		if err != nil {
			b.WriteString(quotePrefix(msg[i+1:]))
			return b.String()
		}
		text, _ := strconv.Unquote(q)
		b.WriteString(quotePrefix(text))
		msg = msg[i+len(q):]
	}
}

// quotePrefix quotes at most maxQuoted characters of s, each byte outside
// printable ASCII shown as '?', and says how much was left out.
func quotePrefix(s string) string {
	n := min(len(s), maxQuoted)
	out := []byte(s[:n])
	for i, c := range out {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			out[i] = '?'
		}
	}
	if n == len(s) {
		return `"` + string(out) + `"`
	}
	return fmt.Sprintf(`"%s…" (%d more bytes elided)`, out, len(s)-n)
}
