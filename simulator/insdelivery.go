package simulator

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cbsim/cbsim/simulator/ins"
)

// The INS delivery rule (docs/clickbank.md §6): a 2xx reply within 3 s is a
// success; otherwise ClickBank tries again about 4 hours later, up to 5
// attempts in all.
const (
	// DefaultINSTimeout is the per-attempt timeout of an INSSender whose
	// Timeout is zero.
	DefaultINSTimeout = 3 * time.Second
	// DefaultINSSpacing is the wait between two attempts before the time
	// factor scales it.
	DefaultINSSpacing = 4 * time.Hour
	// MaxINSURLs is how many INS URLs ClickBank lets an account set.
	MaxINSURLs = 2
)

// INSTarget is where, and sealed how, notifications go: the INS URLs and
// the secret key of a ClickBank account's INS settings, and the envelope
// variants a faulty receiver expects (docs/clickbank.md §6).
type INSTarget struct {
	URLs    []string    // one or two (MaxINSURLs); every notification goes to each
	Secret  string      // the account's secret key (ins.CheckSecret)
	Cipher  ins.Cipher  // "" = AES-256-CBC, ClickBank's
	Padding ins.Padding // "" = the notification's version's
}

// check says what is wrong with t, naming the field.
func (t INSTarget) check() error {
	if len(t.URLs) == 0 {
		return &ParamError{"url", errors.New("required: the INS URL to post notifications to")}
	}
	if len(t.URLs) > MaxINSURLs {
		return &ParamError{"url", fmt.Errorf("%d INS URLs given: ClickBank lets an account set at most %d", len(t.URLs), MaxINSURLs)}
	}
	for _, u := range t.URLs {
		if err := checkURL(u); err != nil {
			return &ParamError{"url", err}
		}
	}
	if err := ins.CheckSecret(t.Secret); err != nil {
		return &ParamError{"secret", err}
	}
	// The names exactly as Encode knows them: a name the parser takes in
	// another case would pass here and fail every delivery.
	if t.Cipher != "" {
		if c, err := ins.ParseCipher(string(t.Cipher)); err != nil {
			return &ParamError{"cipher", err}
		} else if c != t.Cipher {
			return &ParamError{"cipher", fmt.Errorf("%q: write it %q", t.Cipher, c)}
		}
	}
	if t.Padding != "" {
		if p, err := ins.ParsePadding(string(t.Padding)); err != nil {
			return &ParamError{"padding", err}
		} else if p != t.Padding {
			return &ParamError{"padding", fmt.Errorf("%q: write it %q", t.Padding, p)}
		}
	}
	return nil
}

// INSDelivery is one notification to one INS URL: what was sent and every
// attempt to send it. Each attempt carries attemptCount N in its payload.
type INSDelivery struct {
	URL          string
	Type         ins.TransactionType
	Role         ins.Role
	Receipt      string
	Version      string
	Notification *ins.Notification // as built, attemptCount 1
	Attempts     []Attempt         // Attempt.N is the payload's attemptCount
	Waits        []time.Duration   // the scaled wait before attempt 2, 3, …
	Delivered    bool              // a 2xx reply came in time
	Error        string            // why nothing could be sent (the payload did not seal), "" otherwise
}

// Status returns the status of the last attempt, 0 if none.
func (d *INSDelivery) Status() int {
	if len(d.Attempts) == 0 {
		return 0
	}
	return d.Attempts[len(d.Attempts)-1].Status
}

// LastError returns the error of the delivery, else of its last attempt,
// "" if none.
func (d *INSDelivery) LastError() string {
	if d.Error != "" || len(d.Attempts) == 0 {
		return d.Error
	}
	return d.Attempts[len(d.Attempts)-1].Error
}

// INSSender delivers INS notifications as ClickBank does: a POST of the
// envelope (Content-Type application/json) per notification and URL; only
// a 2xx reply within Timeout counts; otherwise it tries again after
// Spacing × TimeFactor, up to Attempts in all, the payload's attemptCount
// counting up and the envelope sealed afresh each time (the count is
// inside the ciphertext). Redirects are not followed: a 3xx is a failed
// attempt. Receiver faults (down, slow, 5xx, a reset, garbage) are data in
// the attempts, never a panic or a hang. Fields may not change while a
// delivery is in flight; the zero value is ClickBank's rule in real time.
type INSSender struct {
	Client   *http.Client  // nil = http.DefaultClient; its CheckRedirect is overridden
	Timeout  time.Duration // per attempt; zero = DefaultINSTimeout
	Attempts int           // attempts in all; zero = ins.MaxAttempts
	Spacing  time.Duration // wait between attempts before scaling; zero = DefaultINSSpacing
	// TimeFactor scales Spacing: 1e-5 makes 4 h about 144 ms. Zero = 1.
	TimeFactor float64
	// Sleep waits d and returns ctx.Err() if ctx ends first; nil = a real
	// timer. Tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock latencies are measured with; nil = time.Now.
	Now func() time.Time
	// Rand is where the envelopes' IVs come from; nil = crypto/rand.
	Rand io.Reader
	// Progress, if set, is called after each attempt, from the delivery's
	// goroutine (deliveries to several URLs run at once).
	Progress func(d *INSDelivery, a Attempt)

	randMu sync.Mutex // guards Rand, read by concurrent deliveries
}

// Wait returns the scaled wait between two attempts.
func (s *INSSender) Wait() time.Duration {
	spacing := s.Spacing
	if spacing <= 0 {
		spacing = DefaultINSSpacing
	}
	f := s.TimeFactor
	if f <= 0 {
		f = 1
	}
	return time.Duration(float64(spacing) * f)
}

// Send delivers each notification to each URL of t, URL by URL, in the
// order given; the deliveries to different URLs run at the same time. A
// target that is wrong (no URL, three, a bad URL or secret) is a
// *ParamError and nothing is sent. A cancelled ctx stops the retries: the
// attempt it prevents is recorded as not sent.
func (s *INSSender) Send(ctx context.Context, t INSTarget, ns []*ins.Notification) ([]INSDelivery, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	for i, n := range ns {
		if n == nil {
			return nil, fmt.Errorf("notification %d is nil", i)
		}
	}
	out := make([]INSDelivery, 0, len(t.URLs)*len(ns))
	for _, u := range t.URLs {
		for _, n := range ns {
			first := *n
			first.AttemptCount = 1
			out = append(out, INSDelivery{URL: u, Type: n.TransactionType, Role: n.Role, Receipt: n.Receipt, Version: n.Version, Notification: &first})
		}
	}
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() { s.deliver(ctx, t, &out[i]) })
	}
	wg.Wait()
	return out, nil
}

// deliver makes the attempts of one delivery.
func (s *INSSender) deliver(ctx context.Context, t INSTarget, d *INSDelivery) {
	attempts := s.Attempts
	if attempts <= 0 {
		attempts = ins.MaxAttempts
	}
	for n := 1; ; n++ {
		body, err := s.seal(t, d.Notification, n)
		if err != nil {
			d.Error = "not sent: " + err.Error()
			return
		}
		a := s.attempt(ctx, d.URL, n, body)
		d.Attempts = append(d.Attempts, a)
		if s.Progress != nil {
			s.Progress(d, a)
		}
		if a.Error == "" {
			d.Delivered = true
			return
		}
		if n >= attempts {
			return
		}
		wait := s.Wait()
		d.Waits = append(d.Waits, wait)
		if err := s.sleep(ctx, wait); err != nil {
			a := Attempt{N: n + 1, URL: d.URL, Error: "not sent: " + err.Error()}
			d.Attempts = append(d.Attempts, a)
			if s.Progress != nil {
				s.Progress(d, a)
			}
			return
		}
	}
}

// seal marshals n with attemptCount count and encrypts it for t.
func (s *INSSender) seal(t INSTarget, n *ins.Notification, count int) ([]byte, error) {
	c := *n
	c.AttemptCount = count
	plain, err := c.Marshal()
	if err != nil {
		return nil, err
	}
	s.randMu.Lock()
	defer s.randMu.Unlock()
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	return ins.Encode(plain, t.Secret, ins.Options{Version: c.Version, Cipher: t.Cipher, Padding: t.Padding, Rand: r})
}

func (s *INSSender) sleep(ctx context.Context, d time.Duration) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if s.Sleep != nil {
		if err := s.Sleep(ctx, d); err != nil {
			return err
		}
		return ctx.Err()
	}
	if !wait(ctx, d) {
		return ctx.Err()
	}
	return nil
}

func (s *INSSender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// attempt POSTs one envelope and records the reply.
func (s *INSSender) attempt(ctx context.Context, target string, n int, envelope []byte) Attempt {
	a := Attempt{N: n, URL: target}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultINSTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(envelope))
	if err != nil {
		a.Error = "bad URL: " + err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cbsim/1 (ClickBank INS simulator)")
	c := s.Client
	if c == nil {
		c = http.DefaultClient
	}
	nc := *c // a shallow copy shares the transport and its connections
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	status := exchange(&nc, req, s.now, timeout, &a)
	if status != 0 && a.Error == "" && (status < 200 || status > 299) {
		a.Error = "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status)
		if a.Location != "" {
			a.Error += ": redirect to " + a.Location + " not followed (ClickBank counts only a 2xx)"
		}
	}
	return a
}
