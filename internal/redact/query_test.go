package redact

import (
	"slices"
	"testing"
)

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"api_key": true, "ptoken": true, "Api-Key": true, "DB_PASSWORD": true, "x_secret": true, "passphrase": true,
		"KEYWORD": true, "clickid": false, "sum": false, "aff_sub1": false, "": false,
	} {
		if got := SecretName(name); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestQuerySecrets(t *testing.T) {
	cases := []struct {
		name, url string
		want      []Param
	}{
		{"none", "http://t/p?clickid={tid}&sum={affiliate_earnings}", nil},
		{"no query", "http://t/p", nil},
		{"literals", "http://127.0.0.1:1/postback?clickid={tid}&ptoken=REALTOKEN&api_key=REALKEY",
			[]Param{{"ptoken", "REALTOKEN", "REALTOKEN"}, {"api_key", "REALKEY", "REALKEY"}}},
		{"macro value is no secret", "http://t/p?ptoken={tid}&key=x{vtid}", nil},
		{"empty value", "http://t/p?ptoken=&api_key", nil},
		{"escaped", "http://t/p?my%5Ftoken=a%2Fb+c", []Param{{"my_token", "a/b c", "a%2Fb+c"}}},
		{"bad escape kept as written", "http://t/p?secret=100%zz", []Param{{"secret", "100%zz", "100%zz"}}},
		{"any case", "http://t/p?X-Auth-TOKEN=abcd", []Param{{"X-Auth-TOKEN", "abcd", "abcd"}}},
		{"fragment", "http://t/p?pass=word1#pass=frag", []Param{{"pass", "word1", "word1"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := QuerySecrets(c.url); !slices.Equal(got, c.want) {
				t.Errorf("QuerySecrets(%q) = %q, want %q", c.url, got, c.want)
			}
		})
	}
}

func TestJSONQuerySecrets(t *testing.T) {
	doc := `{"integrations":[{"name":"a","url":"http://t/p?clickid={tid}&ptoken=tok1"},
		{"name":"b","urls":{"initial_purchase":"http://t/p?api_key=k%2F2"}}, {"url": "http://t/?secret=late"} !`
	want := []Param{{"ptoken", "tok1", "tok1"}, {"api_key", "k/2", "k%2F2"}, {"secret", "late", "late"}}
	if got := JSONQuerySecrets([]byte(doc)); !slices.Equal(got, want) {
		t.Fatalf("JSONQuerySecrets = %q, want %q", got, want)
	}
	if got := JSONQuerySecrets([]byte("not json")); got != nil {
		t.Fatalf("not JSON: %q", got)
	}
}
