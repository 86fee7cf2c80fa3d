package steps

import (
	"strings"
	"testing"
)

func TestTemplateHelpers(t *testing.T) {
	tmpl := "/postback?clickid={tid}&sum={affiliate_earnings}&evt={event_id}&postcode={postal_code}&type=Sale#f"
	for _, c := range []struct{ role, want string }{
		{"clickid", "clickid"}, {"eventid", "evt"}, {"zip", "postcode"}, {"order_id", "order_id"}, {"sub1", "sub1"},
	} {
		if got := paramFor(tmpl, c.role); got != c.want {
			t.Errorf("paramFor(%s) = %q; want %q", c.role, got, c.want)
		}
	}
	if got := withMacro(tmpl, "clickid", "vtid"); got != "/postback?clickid={vtid}&sum={affiliate_earnings}&evt={event_id}&postcode={postal_code}&type=Sale#f" {
		t.Errorf("withMacro = %q", got)
	}
	if got := typeOf(tmpl); got != "Sale" {
		t.Errorf("typeOf = %q", got)
	}
	for in, want := range map[string]string{
		"https://trk.example.com/postback?a=1": "/postback?a=1",
		"https://trk.example.com?a=1":          "/?a=1",
		"https://trk.example.com":              "/",
		"?a=1":                                 "?a=1",
	} {
		if got := trackerRelative(in); got != want {
			t.Errorf("trackerRelative(%q) = %q; want %q", in, got, want)
		}
	}
	set := map[string]string{"ptoken": "s3cret", "b": "{tid} x"}
	for in, want := range map[string]string{
		"/p?clickid={tid}":      "/p?clickid={tid}&b=%7Btid%7D+x&ptoken=s3cret",
		"/p":                    "/p?b=%7Btid%7D+x&ptoken=s3cret",
		"/p?ptoken=old&c={tid}": "/p?ptoken=s3cret&c={tid}&b=%7Btid%7D+x",
	} {
		if got := withParams(in, set); got != want {
			t.Errorf("withParams(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestTemplateFragmentHoldsNoQuery: a '?' inside the fragment starts no
// query: queryParams reads none and withValue keeps the fragment whole.
// Found by FuzzTemplateParams ("#?a" became "#?a=0").
func TestTemplateFragmentHoldsNoQuery(t *testing.T) {
	if got := queryParams("http://t/p#x?a=1"); len(got) != 0 {
		t.Errorf("queryParams = %q; want none", got)
	}
	if got := withValue("http://t/p#x?a=1", "a", "0"); !strings.HasSuffix(got, "#x?a=1") || strings.Contains(got, "a=0") {
		t.Errorf("withValue = %q; want the fragment kept whole", got)
	}
	if got := withValue("http://t/p?a=1#f?a=2", "a", "0"); got != "http://t/p?a=0#f?a=2" {
		t.Errorf("withValue = %q; want http://t/p?a=0#f?a=2", got)
	}
}
