package faketracker

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// startKeitaro starts a fake Keitaro (broken as b) with the campaigns
// "aff" (rebills allowed) and "norebill", and keys "pb" and "api".
func startKeitaro(t *testing.T, b Broken) *Keitaro {
	t.Helper()
	k, err := NewKeitaro(KeitaroOptions{PostbackKey: "pb", APIKey: "api", Broken: b, Now: newClock().Now,
		Rand: bytes.NewReader(bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), 50)),
		Campaigns: []KeitaroCampaign{
			{Alias: "aff", OfferURL: "https://hop.example/?tid={subid}&x={other}", AllowRebills: true},
			{Alias: "norebill", OfferURL: "https://hop.example/?tid={subid}"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return k
}

// keitaroClick clicks the campaign alias and returns the subid.
func keitaroClick(t *testing.T, k *Keitaro, alias string) string {
	t.Helper()
	r := do(t, k.Client(), k.URL+"/"+alias)
	if r.status != http.StatusFound {
		t.Fatalf("click %s: status %d, want 302", alias, r.status)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("tid")
}

// keitaroLog reads the conversion log of subid with key and returns the
// status and the rows.
func keitaroLog(t *testing.T, k *Keitaro, key, subid string) (int, []map[string]any) {
	t.Helper()
	body := `{"range":{"from":"2026-12-02","to":"2026-12-04","timezone":"UTC"},"columns":["sub_id","tid","status","original_status","revenue"],` +
		`"filters":[{"name":"sub_id","operator":"EQUALS","expression":"` + subid + `"}],"limit":100,"offset":0}`
	req, err := http.NewRequest(http.MethodPost, k.URL+"/admin_api/v1/conversions/log", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Api-Key", key)
	}
	res, err := k.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var reply struct {
		Rows  []map[string]any `json:"rows"`
		Total int              `json:"total"`
	}
	if res.StatusCode == http.StatusOK {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&reply); err != nil {
			t.Fatalf("log reply %q: %v", b, err)
		}
		if reply.Total != len(reply.Rows) {
			t.Errorf("total %d, but %d rows", reply.Total, len(reply.Rows))
		}
	}
	return res.StatusCode, reply.Rows
}

// rowsSay renders rows as "tid status original revenue" lines.
func rowsSay(rows []map[string]any) string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join([]string{str(r["tid"]), str(r["status"]), str(r["original_status"]), str(r["revenue"])}, " "))
	}
	return strings.Join(out, "\n")
}

func str(v any) string {
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	s, _ := v.(string)
	return s
}

// TestKeitaroClick: a campaign link redirects to the offer with {subid}
// replaced and other macros kept; an unknown alias is 404.
func TestKeitaroClick(t *testing.T) {
	k := startKeitaro(t, NotBroken)
	cases := []struct {
		name   string
		path   string
		checks []check
	}{
		{"OK", "/aff", []check{hasStatus(http.StatusFound), hasHeader("Location", "https://hop.example/?tid=cdefghijklpqrs&x={other}")}},
		{"ErrUnknownAlias", "/nosuch", []check{hasStatus(http.StatusNotFound)}},
		{"ErrDeepPath", "/aff/more/deep", []check{hasStatus(http.StatusNotFound)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runChecks(t, do(t, k.Client(), k.URL+c.path), c.checks...) })
	}
}

// TestKeitaroPostback drives postbacks in order and checks the conversion
// log after them.
func TestKeitaroPostback(t *testing.T) {
	cases := []struct {
		name     string
		broken   Broken
		campaign string
		queries  []string // after the key's /postback?subid=SUBID&
		status   int      // of the last postback
		body     string   // of the last postback
		log      string   // rowsSay of the log of the click
	}{
		{"DefaultSale", NotBroken, "aff", []string{"payout=45.75&tid=R1"}, 200, "", "R1 sale sale 45.75000"},
		{"RevenueAlias", NotBroken, "aff", []string{"revenue=10"}, 200, "", " sale sale 10.00000"},
		{"Return", NotBroken, "aff", []string{"payout=1&return=OK"}, 200, "OK", " sale sale 1.00000"},
		{"RebillsWithNewTid", NotBroken, "aff", []string{"payout=0&tid=", "payout=45.75&tid=R1", "payout=21.24&tid=R2"}, 200, "",
			" sale sale 0.00000\nR1 rebill sale 45.75000\nR2 rebill sale 21.24000"},
		{"SameTidUpdates", NotBroken, "aff", []string{"payout=45.75&tid=R1", "payout=50&tid=R1"}, 200, "", "R1 sale sale 50.00000"},
		{"NoRebillOverwrites", NotBroken, "norebill", []string{"payout=45.75&tid=R1", "payout=21.24&tid=R2"}, 200, "", "R1 sale sale 21.24000"},
		{"LeadAfterSaleIgnored", NotBroken, "aff", []string{"payout=5&tid=R1", "payout=6&tid=R2&status=lead"}, 200, "", "R1 sale sale 5.00000"},
		{"LeadToSale", NotBroken, "aff", []string{"payout=5&status=lead", "payout=6&status=sale"}, 200, "", " sale sale 6.00000"},
		{"SaleToLeadRefused", NotBroken, "aff", []string{"payout=5", "payout=6&status=lead"}, 200, "", " sale sale 5.00000"},
		{"SaleToRejected", NotBroken, "aff", []string{"payout=5", "payout=0&status=rejected"}, 200, "", " rejected rejected 0.00000"},
		{"StatusTransformed", NotBroken, "aff", []string{"payout=5&status=billed&sale_status=paid,billed"}, 200, "", " sale billed 5.00000"},
		{"StatusIgnored", NotBroken, "aff", []string{"payout=5&status=ping&ignore_status=ping,test"}, 200, "", ""},
		{"BrokenSum", BrokenSum, "aff", []string{"payout=45.75&tid=R1"}, 200, "", "R1 sale sale 46.75000"},
		{"BrokenClickID", BrokenClickID, "aff", []string{"payout=45.75&tid=R1"}, 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := startKeitaro(t, c.broken)
			subid := keitaroClick(t, k, c.campaign)
			var last response
			for _, q := range c.queries {
				last = do(t, k.Client(), k.URL+"/pb/postback?subid="+subid+"&"+q)
			}
			runChecks(t, last, hasStatus(c.status), hasBody(c.body))
			status, rows := keitaroLog(t, k, "api", subid)
			if status != http.StatusOK {
				t.Fatalf("log: status %d", status)
			}
			if got := rowsSay(rows); got != c.log {
				t.Errorf("log of %s:\n%s\nwant:\n%s", subid, got, c.log)
			}
		})
	}
}

// TestKeitaroRefuses: a wrong postback key, a missing or unknown subid and
// a wrong API key are refused.
func TestKeitaroRefuses(t *testing.T) {
	k := startKeitaro(t, NotBroken)
	subid := keitaroClick(t, k, "aff")
	cases := []struct {
		name   string
		path   string
		checks []check
	}{
		{"ErrWrongKey", "/nope/postback?subid=" + subid, []check{hasStatus(http.StatusNotFound)}},
		{"ErrNoSubid", "/pb/postback?payout=1", []check{hasStatus(http.StatusNotFound)}},
		{"ErrUnknownSubid", "/pb/postback?subid=zzz&payout=1", []check{hasStatus(http.StatusNotFound)}},
		{"ErrLogByGet", "/admin_api/v1/conversions/log", []check{hasStatus(http.StatusNotFound)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runChecks(t, do(t, k.Client(), k.URL+c.path), c.checks...) })
	}
	for _, key := range []string{"", "wrong"} {
		if status, _ := keitaroLog(t, k, key, subid); status != http.StatusUnauthorized {
			t.Errorf("log with key %q: status %d, want 401", key, status)
		}
	}
}

// TestNewKeitaroRefusesBadOptions: options that cannot work are errors
// that name the field.
func TestNewKeitaroRefusesBadOptions(t *testing.T) {
	cases := []struct {
		name string
		opts KeitaroOptions
		want string
	}{
		{"NoKey", KeitaroOptions{}, "PostbackKey"},
		{"BadAlias", KeitaroOptions{PostbackKey: "k", Campaigns: []KeitaroCampaign{{Alias: "a/b", OfferURL: "x"}}}, "Alias"},
		{"DupAlias", KeitaroOptions{PostbackKey: "k", Campaigns: []KeitaroCampaign{{Alias: "a", OfferURL: "x"}, {Alias: "a", OfferURL: "x"}}}, "already"},
		{"NoOffer", KeitaroOptions{PostbackKey: "k", Campaigns: []KeitaroCampaign{{Alias: "a"}}}, "OfferURL"},
		{"BadBroken", KeitaroOptions{PostbackKey: "k", Broken: "x"}, "Broken"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := NewKeitaro(c.opts)
			if err == nil {
				k.Close()
				t.Fatalf("no error, want one naming %s", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %s", err, c.want)
			}
		})
	}
}
