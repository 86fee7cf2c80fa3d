package redact

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// SecretName reports whether a name — of a query parameter, or of a
// NAME=VALUE entry such as cbsim's --set — names a secret: it holds, in
// any case, key, token, secret, password or pass.
func SecretName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"key", "token", "secret", "password", "pass"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// Param is a query parameter of a URL: its name and its value, unescaped,
// and the value as written in the URL (a secret in both forms).
type Param struct {
	Name, Value, Raw string
}

// QuerySecrets returns the parameters of rawURL's query that hold a
// secret: a name SecretName accepts and a literal value, not empty and
// without a {macro} (a macro is filled in when the URL is sent, and is no
// secret of the user's). rawURL may be a postback URL template: it is not
// parsed as a whole, only its query is split on '&' and '='. A value that
// cannot be unescaped is returned as written.
func QuerySecrets(rawURL string) []Param {
	_, query, ok := strings.Cut(rawURL, "?")
	if !ok {
		return nil
	}
	query, _, _ = strings.Cut(query, "#")
	var out []Param
	for part := range strings.SplitSeq(query, "&") {
		name, raw, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		value := raw
		if v, err := url.QueryUnescape(raw); err == nil {
			value = v
		}
		if value == "" || strings.Contains(value, "{") || !SecretName(name) {
			continue
		}
		out = append(out, Param{Name: name, Value: value, Raw: raw})
	}
	return out
}

// JSONQuerySecrets returns the QuerySecrets of every string in a JSON
// document, such as the URLs of an integrations file, in order. It reads
// the document as far as it is JSON, so that a file with a mistake
// further on still has its secrets found.
func JSONQuerySecrets(data []byte) []Param {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []Param
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		if s, ok := tok.(string); ok {
			out = append(out, QuerySecrets(s)...)
		}
	}
}
