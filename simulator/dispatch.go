package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody is how much of a tracker's reply is kept in the journal.
const maxBody = 512

// Dispatcher sends postbacks with GET, one request per attempt, and treats
// only a 2xx reply as delivered. ClickBank's real retry policy for postbacks
// is unknown, so the default is one attempt; Retry adds more
// (docs/clickbank.md §4). It journals nothing: the Simulator does.
// Fields may not change while a delivery is in flight.
type Dispatcher struct {
	Client  *http.Client    // nil = http.DefaultClient
	Timeout time.Duration   // per attempt; zero = DefaultTimeout
	Retry   []time.Duration // waits before the 2nd, 3rd, ... attempt; nil = one attempt
}

// ParseRetry parses a retry schedule such as "100ms,1s,5s" (waits before
// each further attempt); "" and "none" mean a single attempt.
func ParseRetry(s string) ([]time.Duration, error) {
	if s == "" || s == "none" {
		return nil, nil
	}
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("retry schedule %q: %q is not a duration like 500ms or 2s", s, part)
		}
		out = append(out, d)
	}
	return out, nil
}

// Send sends a built delivery, retrying as configured, and returns it with
// its attempts. A skipped delivery is returned as it is. Tracker faults are
// data in the attempts, never a panic; a cancelled ctx stops the delivery
// at once.
func (d *Dispatcher) Send(ctx context.Context, del Delivery) Delivery {
	if del.Skipped == "" {
		for n := 1; ; n++ {
			a := d.attempt(ctx, del.URL, n)
			del.Attempts = append(del.Attempts, a)
			if a.Error == "" {
				del.Delivered = true
				break
			}
			if n > len(d.Retry) || ctx.Err() != nil {
				break
			}
			t := time.NewTimer(d.Retry[n-1])
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
			if ctx.Err() != nil {
				del.Attempts = append(del.Attempts, Attempt{N: n + 1, Error: "not sent: " + ctx.Err().Error()})
				break
			}
		}
	}
	return del
}

func (d *Dispatcher) attempt(ctx context.Context, url string, n int) Attempt {
	a := Attempt{N: n, URL: url}
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		a.Error = "bad URL: " + err.Error()
		return a
	}
	req.Header.Set("User-Agent", "cbsim/1 (ClickBank postback simulator)")
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		a.Latency = time.Since(start)
		a.Error = describe(err, timeout)
		return a
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	resp.Body.Close()
	a.Latency = time.Since(start)
	a.Status = resp.StatusCode
	a.Body = string(body)
	switch {
	case rerr != nil:
		a.Error = "reading reply: " + describe(rerr, timeout)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		a.Error = "HTTP " + strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	return a
}

// describe turns a transport error into a short journal line.
func describe(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("timeout after %s", timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return err.Error()
}
