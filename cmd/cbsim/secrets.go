package main

// Secrets: what cbsim never prints. The secret flags, the secret entries
// of NAME=VALUE flags and the literal values of secret-named parameters
// in the URLs the user gives are masked in all a command prints
// (keepSecrets, package internal/redact; README, "Secrets").

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/cbsim/cbsim/internal/redact"
)

// secret is a flag.Value holding secrets, which cbsim never prints: they
// are masked in its output, reports and logs (package internal/redact).
type secret interface {
	flag.Value
	// secrets returns the secrets the flag holds, each named by what holds
	// it relative to the flag: "" for its value, " x_key" for an entry
	// x_key=VALUE, " parameter ptoken" for a parameter of a URL.
	secrets() []heldSecret
}

// heldSecret is a secret and what holds it, named for a message that must
// not show the value: "--api-key", "--set x_key", "--url parameter ptoken".
type heldSecret struct{ holder, value string }

// secretsOf returns the secrets the flags of fs hold.
func secretsOf(fs *flag.FlagSet) []heldSecret {
	var out []heldSecret
	fs.VisitAll(func(f *flag.Flag) {
		if s, ok := f.Value.(secret); ok {
			for _, h := range s.secrets() {
				out = append(out, heldSecret{"--" + f.Name + h.holder, h.value})
			}
		}
	})
	return out
}

// paramSecrets are the secrets of query parameters ps, each held by
// holder + " parameter " + its name: its value unescaped and, when it
// differs, as written.
func paramSecrets(holder string, ps []redact.Param) []heldSecret {
	var out []heldSecret
	for _, p := range ps {
		out = append(out, heldSecret{holder + " parameter " + p.Name, p.Value})
		if p.Raw != p.Value {
			out = append(out, heldSecret{holder + " parameter " + p.Name, p.Raw})
		}
	}
	return out
}

// fileSecrets are the secrets in the URLs of a JSON file given by holder
// (an integrations file): the literal values of their secret-named query
// parameters (redact.JSONQuerySecrets).
func fileSecrets(holder string, data []byte) []heldSecret {
	return paramSecrets(holder, redact.JSONQuerySecrets(data))
}

// keepSecrets masks secrets in all that the command of fs prints (the
// Redactor of fs.Output(), which run gives every command) and warns, in
// one line on fs.Output(), of those too short to mask (redact.MinLen),
// naming what holds them, not their values. It returns the values masked.
func keepSecrets(fs *flag.FlagSet, secrets []heldSecret) []string {
	var kept, short []string
	for _, s := range secrets {
		switch {
		case s.value == "":
		case redact.TooShort(s.value):
			if !slices.Contains(short, s.holder) {
				short = append(short, s.holder)
			}
		default:
			kept = append(kept, s.value)
		}
	}
	redact.Of(fs.Output()).Add(kept...)
	switch len(short) {
	case 0:
	case 1:
		fmt.Fprintf(fs.Output(), "cbsim %s: warning: %s is too short to mask (fewer than %d characters): it is shown as given\n", fs.Name(), short[0], redact.MinLen)
	default:
		fmt.Fprintf(fs.Output(), "cbsim %s: warning: %s and %s are too short to mask (fewer than %d characters): they are shown as given\n",
			fs.Name(), strings.Join(short[:len(short)-1], ", "), short[len(short)-1], redact.MinLen)
	}
	return kept
}

// values returns the values of secrets.
func values(secrets []heldSecret) []string {
	out := make([]string, len(secrets))
	for i, s := range secrets {
		out[i] = s.value
	}
	return out
}

// secretString is a string flag whose value is a secret.
type secretString string

func (s *secretString) String() string {
	if s == nil {
		return ""
	}
	return string(*s)
}

func (s *secretString) Set(v string) error { *s = secretString(v); return nil }

func (s *secretString) secrets() []heldSecret { return []heldSecret{{"", string(*s)}} }

// templateFlag is a postback URL template flag (fire --url): the literal
// values of its secret-named query parameters are secrets
// (redact.QuerySecrets).
type templateFlag string

func (t *templateFlag) String() string {
	if t == nil {
		return ""
	}
	return string(*t)
}

func (t *templateFlag) Set(v string) error { *t = templateFlag(v); return nil }

func (t *templateFlag) secrets() []heldSecret {
	return paramSecrets("", redact.QuerySecrets(string(*t)))
}

// secretFlag declares a string flag holding a secret, which cbsim never
// prints; its default is empty.
func secretFlag(fs *flag.FlagSet, name, usage string) *string {
	p := new(string)
	fs.Var((*secretString)(p), name, usage)
	return p
}
