package profile

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// orbitraLike is a postback section that renames, drops and adds.
const orbitraLike = `name: o
title: O
settings:
  key: {doc: postback key, secret: true}
click:
  url: "{tracker}/{campaign}"
postback:
  url: "{tracker}/{key}/postback"
  fields: {click_id: subid, sum: payout, transaction_id: tid, currency: currency}
  extra: {status: sale}
  refused:
    status: [400, 404]
    body_contains: ["Click ID not found", "Ignored:"]
`

// bindOrbitraLike binds orbitraLike with cfg's overrides.
func bindOrbitraLike(t *testing.T, cfg Config) *Tracker {
	cfg.TrackerURL = "https://trk.example/"
	cfg.Set = map[string]string{"key": "s3cret"}
	cfg.Campaigns = map[string]string{RoleAffiliate: "a", RoleVendor: "v"}
	return mustBind(t, mustParse(t, orbitraLike), cfg)
}

// TestRename: RedTrack-spelled postback parameters take the tracker's
// names; fields it lacks are dropped and named; extras fill in.
func TestRename(t *testing.T) {
	tr := bindOrbitraLike(t, Config{})
	tests := []struct {
		name    string
		in      url.Values
		want    url.Values
		dropped []string
	}{
		{"renamed, dropped, passed, extra",
			url.Values{"clickid": {"abc"}, "sum": {"45.75"}, "type": {"InitialPurchase"}, "rdtk_event_id": {"e1"}, "zip": {"90210"}, "txid": {"R1"}},
			url.Values{"subid": {"abc"}, "payout": {"45.75"}, "zip": {"90210"}, "tid": {"R1"}, "status": {"sale"}},
			[]string{"rdtk_event_id", "type"}},
		{"a passed parameter clashing with a renamed one is dropped",
			url.Values{"clickid": {"abc"}, "sum": {"1"}, "payout": {"999"}},
			url.Values{"subid": {"abc"}, "payout": {"1"}, "status": {"sale"}},
			[]string{"payout"}},
		{"an own field the tracker lacks is dropped, and the extra of that name still goes",
			url.Values{"clickid": {"abc"}, "status": {"approved"}},
			url.Values{"subid": {"abc"}, "status": {"sale"}},
			[]string{"status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, dropped := tr.Rename(tt.in)
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(dropped, tt.dropped) {
				t.Errorf("Rename(%v) = %v, dropped %v; want %v, %v", tt.in, got, dropped, tt.want, tt.dropped)
			}
		})
	}
	// An extra yields to a passed-through parameter of its name.
	ex := bindOrbitraLike(t, Config{PostbackExtra: map[string]string{"src": "cbsim"}})
	got, _ := ex.Rename(url.Values{"clickid": {"x"}, "src": {"fb"}})
	if got.Get("src") != "fb" || got.Get("status") != "sale" {
		t.Errorf("Rename = %v; want src=fb kept", got)
	}
	if q, _ := ex.RenameQuery("clickid=x&src=fb"); q != "subid=x&src=fb&status=sale" {
		t.Errorf("RenameQuery = %q; want src=fb kept", q)
	}
}

// TestRenameQuery: a template's query is renamed without touching its
// values, order kept, extras appended.
func TestRenameQuery(t *testing.T) {
	tr := bindOrbitraLike(t, Config{})
	tests := []struct {
		in, want string
		dropped  []string
	}{
		{"clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase&zip={zip}&eventid={eventid}",
			"subid={tid}&payout={affiliate_earnings}&zip={zip}&eventid={eventid}&status=sale", []string{"type"}},
		{"zip=%7Bzip%7D&clickid=&txid={receipt}&status=custom", "zip=%7Bzip%7D&subid=&tid={receipt}&status=sale", []string{"status"}},
		{"", "status=sale", nil},
		{"flag&clickid={tid}&&sum", "flag&subid={tid}&payout&status=sale", nil},
		{"payout=1&sum=2", "payout=2&status=sale", []string{"payout"}},
	}
	for _, tt := range tests {
		got, dropped := tr.RenameQuery(tt.in)
		if got != tt.want || !reflect.DeepEqual(dropped, tt.dropped) {
			t.Errorf("RenameQuery(%q) = %q, %v; want %q, %v", tt.in, got, dropped, tt.want, tt.dropped)
		}
	}
}

// TestPostbackURL: logical fields make a full URL under the tracker's
// names; the base has the settings filled in.
func TestPostbackURL(t *testing.T) {
	tr := bindOrbitraLike(t, Config{})
	if b := tr.PostbackBase(); b != "https://trk.example/s3cret/postback" {
		t.Errorf("PostbackBase = %s", b)
	}
	u, dropped := tr.PostbackURL(map[string]string{FieldClickID: "a b", FieldSum: "1.37", FieldType: "Upsell", "bogus": "x"})
	if u != "https://trk.example/s3cret/postback?payout=1.37&status=sale&subid=a+b" || !reflect.DeepEqual(dropped, []string{"bogus", FieldType}) {
		t.Errorf("PostbackURL = %s, %v", u, dropped)
	}
	if r := tr.Redact(u); strings.Contains(r, "s3cret") {
		t.Errorf("Redact left the secret: %s", r)
	}
}

// TestPostbackOverrides: the command line can rename, remove and add
// postback fields and extras.
func TestPostbackOverrides(t *testing.T) {
	tr := bindOrbitraLike(t, Config{PostbackFields: map[string]string{FieldSum: "revenue", FieldCurrency: "", FieldType: "t"},
		PostbackExtra: map[string]string{"status": "", "src": "cbsim"}})
	got, dropped := tr.RenameQuery("clickid=1&sum=2&currency=USD&type=X")
	if got != "subid=1&revenue=2&t=X&src=cbsim" || !reflect.DeepEqual(dropped, []string{"currency"}) {
		t.Errorf("RenameQuery = %q, %v", got, dropped)
	}
	for _, cfg := range []Config{
		{PostbackFields: map[string]string{FieldClickID: ""}},
		{PostbackFields: map[string]string{"amount": "x"}},
		{PostbackFields: map[string]string{FieldSum: "subid"}},
	} {
		cfg.TrackerURL = "https://t.example"
		cfg.Set = map[string]string{"key": "k"}
		cfg.Campaigns = map[string]string{RoleAffiliate: "a", RoleVendor: "v"}
		if _, err := mustParse(t, orbitraLike).Bind(cfg); err == nil {
			t.Errorf("Bind(%v) accepted it", cfg.PostbackFields)
		}
	}
}

// TestRefused: listed statuses and body texts mean refused; without a
// list, any status of 400 or more.
func TestRefused(t *testing.T) {
	tr := bindOrbitraLike(t, Config{})
	def := mustBind(t, mustParse(t, minimal), Config{TrackerURL: "http://x", Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	tests := []struct {
		tr     *Tracker
		status int
		body   string
		want   bool
	}{
		{tr, 404, "", true},
		{tr, 400, "Missing subid.", true},
		{tr, 200, "Click ID not found in database.", true}, // older Orbitra: 200 with the text
		{tr, 200, "Ignored: Missing status.", true},
		{tr, 200, "Postback recorded successfully.", false},
		{tr, 500, "Internal error.", false}, // not listed
		{def, 500, "", true},
		{def, 404, "", true},
		{def, 302, "", false},
		{def, 200, "error", false},
	}
	for _, tt := range tests {
		if got := tt.tr.Refused(tt.status, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: Refused(%d, %q) = %t, want %t", tt.tr.p.Name, tt.status, tt.body, got, tt.want)
		}
	}
}
