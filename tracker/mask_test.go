package tracker

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func TestMaskHandler(t *testing.T) {
	cases := []struct {
		name string
		log  func(l *slog.Logger)
		want string
	}{
		{"query parameters", func(l *slog.Logger) { l.Info("x", "query", "clickid=1&ptoken=anything&api_key=other") },
			`query="clickid=1&ptoken=***&api_key=***"`},
		{"the key alone", func(l *slog.Logger) { l.Info("refused key k3y", "err", errors.New("bad k3y")) },
			`msg="refused key ***" err="bad ***"`},
		{"query-escaped token", func(l *slog.Logger) { l.Info("x", "u", "/p?t=t+0k%2F") }, `u="/p?t=***"`},
		{"inside a word", func(l *slog.Logger) { l.Info("k3yboard xk3y") }, `msg="k3yboard xk3y"`},
		{"groups and attrs", func(l *slog.Logger) { l.With("a", "k3y").WithGroup("g").Info("x", slog.Group("h", "b", "k3y")) },
			`a=*** g.h.b=***`},
		{"stringer", func(l *slog.Logger) { l.Info("x", "s", stringer("k3y")) }, `s=***`},
		{"other values pass", func(l *slog.Logger) { l.Info("x", "n", 42, "ok", true) }, `n=42 ok=true`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			h := slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey || a.Key == slog.LevelKey {
					return slog.Attr{}
				}
				return a
			}})
			c.log(slog.New(maskSecrets(h, "k3y", "t 0k/", "")))
			if !strings.Contains(b.String(), c.want) {
				t.Errorf("logged %q, want it to hold %q", b.String(), c.want)
			}
		})
	}
}

type stringer string

func (s stringer) String() string { return string(s) }

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogMasksSecrets: with every request logged, the tracker's log shows
// its api key and postback token nowhere — not in an API request, a
// recorded postback or a refused one — and *** where they were.
func TestLogMasksSecrets(t *testing.T) {
	const key, token = "the-api-key", "the-token"
	var log syncBuffer
	srv, err := NewServer(Config{APIKey: key, PostbackToken: token,
		Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	get := func(path string) {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	get("/conversions?api_key=" + key + "&date_from=2000-01-01&date_to=2000-01-02")
	get("/postback?clickid=abc&sum=1.00&ptoken=" + token)      // no such click: refused
	get("/postback?sum=1.00&ptoken=" + token)                  // refused: no clickid
	get("/postback?clickid=abc&ptoken=" + token + "&x=" + key) // the key elsewhere
	text := log.String()
	for _, s := range []string{key, token} {
		if strings.Contains(text, s) {
			t.Errorf("the log shows %q:\n%s", s, text)
		}
	}
	for _, want := range []string{"api_key=***", "ptoken=***", "x=***"} {
		if !strings.Contains(text, want) {
			t.Errorf("the log does not show %s:\n%s", want, text)
		}
	}
}
