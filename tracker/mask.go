package tracker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// The tracker never logs its secrets: maskHandler stands between its
// records and Config.Logger, and the rejections log keeps queries masked
// (maskQuery). These few lines are the tracker's own — it
// shares no code with the simulator's side, which masks its output with
// package internal/redact.

// secretMask replaces a secret in a log line.
const secretMask = "***"

// secretParams matches the value of a query parameter that holds a secret:
// api_key (the reporting API key) and ptoken (the postback token).
var secretParams = regexp.MustCompile(`\b(api_key|ptoken)=[^&\s"]*`)

// maskQuery returns a query with the values of its api_key and ptoken
// parameters replaced by secretMask: what the rejections log stores and
// serves (a postback refused for its click id carries the real token).
func maskQuery(q string) string {
	return secretParams.ReplaceAllString(q, "${1}="+secretMask)
}

// maskHandler passes records on to next with the secrets masked in the
// message and in every string, error and Stringer attribute: the values
// of the api_key and ptoken parameters in a query, and the secrets
// themselves (as given and query-escaped) where they stand alone — not
// inside a longer run of letters and digits, so that a short key does not
// garble the log.
type maskHandler struct {
	next    slog.Handler
	secrets []string
}

// maskSecrets returns h with secrets masked; empty secrets are ignored.
func maskSecrets(h slog.Handler, secrets ...string) slog.Handler {
	m := maskHandler{next: h}
	for _, s := range secrets {
		if s != "" {
			m.secrets = append(m.secrets, s)
			if q := url.QueryEscape(s); q != s {
				m.secrets = append(m.secrets, q)
			}
		}
	}
	return m
}

func (h maskHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h maskHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.mask(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h maskHandler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = h.attr(a)
	}
	return maskHandler{next: h.next.WithAttrs(masked), secrets: h.secrets}
}

func (h maskHandler) WithGroup(name string) slog.Handler {
	return maskHandler{next: h.next.WithGroup(name), secrets: h.secrets}
}

// attr masks a's value.
func (h maskHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.mask(v.String()))
	case slog.KindGroup:
		group := v.Group()
		masked := make([]any, len(group))
		for i, g := range group {
			masked[i] = h.attr(g)
		}
		return slog.Group(a.Key, masked...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.Any(a.Key, errors.New(h.mask(x.Error())))
		case fmt.Stringer:
			return slog.String(a.Key, h.mask(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// mask hides the secrets in s.
func (h maskHandler) mask(s string) string {
	s = maskQuery(s)
	for _, secret := range h.secrets {
		s = maskWord(s, secret)
	}
	return s
}

// maskWord replaces secret in s where it is not part of a longer run of
// ASCII letters and digits.
func maskWord(s, secret string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, secret)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(secret)
		if (i > 0 && alnum(s[i-1]) && alnum(secret[0])) || (end < len(s) && alnum(s[end]) && alnum(secret[len(secret)-1])) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i] + secretMask)
		s = s[end:]
	}
}

// alnum reports whether c is an ASCII letter or digit.
func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
