package lint

import (
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

func TestLint(t *testing.T) {
	_, ins, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if f := Lint(ins); len(f) != 0 {
		t.Fatalf("default integrations have findings: %v", f)
	}
	data := []byte(`{"integrations":[
{"name":"v","role":"vendor","events":["initial_purchase"],"url":"http://t/postback?clickid={tid}&sum={vendor_earnings}&type=IP"},
{"name":"a","role":"affiliate","events":["initial_purchase"],"url":"http://t/postback?clickid={tid}&sum={vendor_earnings}&x={bogus}&type=IP"},
{"name":"n","role":"affiliate","events":["initial_purchase"],"url":"http://t/postback?sum={affiliate_earnings}&type=IP"},
{"name":"s","role":"affiliate","events":["initial_purchase","upsell_purchase"],"url":"http://t/postback?clickid={tid}"},
{"name":"p","role":"affiliate","events":["initial_purchase","upsell_purchase"],"per_event":true,"urls":{"initial_purchase":"http://t/postback?clickid={tid}&type=X","upsell_purchase":"http://t/postback?clickid={tid}&type=X"}}
]}`)
	fs, err := File("i.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.String())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		`i.json:2: integration "v": {tid} is an affiliate macro; a vendor integration should use {vtid}`,
		`i.json:3: integration "a": {vendor_earnings} is a vendor macro; an affiliate integration should use {affiliate_earnings}`,
		`i.json:3: integration "a": unknown macro {bogus} is sent literally`,
		`i.json:4: integration "n": URL has no click id macro ({tid})`,
		`i.json:5: integration "s": 2 event types share one URL without type=`,
		`integration "p": events initial_purchase, upsell_purchase all send type=X`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q; got:\n%s", want, got)
		}
	}
	if len(fs) != 6 {
		t.Errorf("%d findings, want 6:\n%s", len(fs), got)
	}
}
