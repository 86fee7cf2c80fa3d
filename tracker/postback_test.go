package tracker_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

func TestPostbackOK(t *testing.T) {
	f := newFixture(t, tracker.Config{PostbackToken: "tok"})
	id := f.click()
	r := f.postback("clickid", id, "sum", "45.75", "ptoken", "tok", "eventid", "ev-1", "zip", "90210", "order_id", "ABCD1234")
	hasStatus(http.StatusOK)(t, r)
	hasField("status", "ok")(t, r)
	hasField("action", "created")(t, r)
	hasField("duplicate_status", "new")(t, r)

	items, total := f.items("/conversions")
	if total != 1 || len(items) != 1 {
		t.Fatalf("total = %d, items = %d, want 1", total, len(items))
	}
	c := items[0]
	want := map[string]any{
		"id": r.body["conversion_id"], "clickid": id, "campaign": "camp", "type": "InitialPurchase",
		"status": "other", "payout": 45.75, "currency": "USD", "order": "ABCD1234",
		// The guide's template sends eventid={event_id}: the default Event ID parameter.
		"deduplicate_token": "ev-1",
		"created_at":        "2026-03-14T12:00:00Z", "conv_time": "2026-03-14T12:00:00Z", "track_time": "2026-03-14T12:00:00Z",
		"duplicate_status": 0.0, "default_type": 0.0, "type2": 1.0, "type1": 0.0,
		// The ClickBank template's additional parameters in their slots.
		"p_sub1": "ev-1", "p_sub2": "90210", "p_sub3": "ABCD1234", "p_sub4": "",
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %#v, want %#v", k, c[k], v)
		}
	}
	if cb, _ := c["cbsim"].(map[string]any); fmt.Sprint(cb["params"]) != "map[]" {
		t.Errorf("cbsim = %v, want no parameter left out of the slots (ptoken and reserved parameters excluded)", c["cbsim"])
	}
	if _, ok := c["params"]; ok {
		t.Errorf("conversion has params: RedTrack's ConversionView has none")
	}
}

// TestConversionViewShape: a conversion carries every property of
// RedTrack's models.ConversionView (swagger.json of pijusz/mcp-redtrack) with
// its documented JSON type, and nothing else but the cbsim object.
func TestConversionViewShape(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	hasStatus(200)(t, f.postback("clickid", f.click(), "sum", "1"))
	items, _ := f.items("/conversions")
	c := items[0]
	strs := []string{"attribution_type", "browser", "campaign", "campaign_id", "city", "clickid", "connection_type",
		"conv_time", "country", "coupon", "created_at", "currency", "deduplicate_token", "deeplink", "device", "device_brand",
		"device_fullname", "event", "external_id", "fingerprint", "id", "ip", "isp", "landing", "landing_id", "network",
		"offer", "offer_id", "order", "os", "page", "page_url", "postback_ip", "prelanding", "prelanding_id", "program_id",
		"ref_id", "referer", "region", "rt_ad", "rt_ad_id", "rt_adgroup", "rt_adgroup_id", "rt_campaign", "rt_campaign_id",
		"rt_keyword", "rt_medium", "rt_placement", "rt_placement_hashed", "rt_placement_id", "rt_role_1", "rt_role_2",
		"rt_source", "server", "source", "source_id", "status", "track_time", "type", "user_agent"}
	nums := []string{"cost", "cost_default", "cost_source", "payout", "payout_default", "payout_network", "pub_revenue",
		"pub_revenue_default", "pub_revenue_source", "default_type", "duplicate_status", "is_transaction"}
	for i := 1; i <= 20; i++ {
		strs = append(strs, fmt.Sprintf("sub%d", i), fmt.Sprintf("p_sub%d", i))
	}
	for i := 1; i <= 40; i++ {
		nums = append(nums, fmt.Sprintf("type%d", i))
	}
	for _, k := range strs {
		if _, ok := c[k].(string); !ok {
			t.Errorf("%s = %#v, want a string", k, c[k])
		}
	}
	for _, k := range nums {
		if _, ok := c[k].(float64); !ok {
			t.Errorf("%s = %#v, want a number", k, c[k])
		}
	}
	if len(c) != len(strs)+len(nums)+1 || c["cbsim"] == nil {
		t.Errorf("%d fields, want the %d of models.ConversionView and cbsim", len(c), len(strs)+len(nums))
	}
}

// TestPostbackParamsConfig puts the configured parameters in p_sub1, p_sub2, …
// and the others under cbsim.params.
func TestPostbackParamsConfig(t *testing.T) {
	f := newFixture(t, tracker.Config{PostbackParams: []string{"zip", "src"}})
	hasStatus(200)(t, f.postback("clickid", f.click(), "zip", "90210", "src", "fb", "eventid", "ev-1", "order", "R1"))
	items, _ := f.items("/conversions")
	c := items[0]
	cb, _ := c["cbsim"].(map[string]any)
	if c["p_sub1"] != "90210" || c["p_sub2"] != "fb" || c["p_sub3"] != "" || c["order"] != "R1" ||
		fmt.Sprint(cb["params"]) != "map[eventid:ev-1 order:R1]" {
		t.Errorf("p_sub1 %v, p_sub2 %v, p_sub3 %v, order %v, cbsim %v", c["p_sub1"], c["p_sub2"], c["p_sub3"], c["order"], cb)
	}
	for _, bad := range [][]string{{"clickid"}, {"zip", "zip"}, {""}, make([]string, 21)} {
		if _, err := tracker.Open(tracker.Config{PostbackParams: bad}); tracker.ErrorCode(err) != tracker.EInvalid {
			t.Errorf("PostbackParams %q: err = %v, want invalid", bad, err)
		}
	}
}

func TestPostbackPayoutPrintsTwoDecimals(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	id := f.click()
	f.postback("clickid", id, "sum", "7.5")
	r := f.get("/conversions?date_from=2026-03-14&date_to=2026-03-14&api_key=" + testKey)
	if !strings.Contains(r.raw, `"payout":7.50,`) {
		t.Errorf("body %s does not print payout 7.50", r.raw)
	}
}

func TestPostbackFields(t *testing.T) {
	tests := []struct {
		name   string
		params []string
		want   map[string]any
	}{
		{"DefaultTypeStatusCurrency", nil, map[string]any{"type": "InitialPurchase", "status": "other", "currency": "USD", "payout": 0.0}},
		{"ExplicitFields", []string{"type", "UpsellPurchase", "status", "approved", "currency", "eur", "sum", "0.125", "rdtk_event_id", "e9"},
			map[string]any{"type": "UpsellPurchase", "status": "approved", "currency": "EUR", "payout": 0.13, "deduplicate_token": "e9"}},
		{"OrderFallback", []string{"order", "R1"}, map[string]any{"order": "R1"}},
		{"OrderIDWins", []string{"order", "R1", "order_id", "R2"}, map[string]any{"order": "R2"}},
		{"EmptyMacros", []string{"type", "", "sum", "", "status", "", "currency", ""}, map[string]any{"type": "InitialPurchase", "payout": 0.0, "status": "other", "currency": "USD"}},
		{"DeclinedStatus", []string{"status", "declined"}, map[string]any{"status": "declined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tracker.Config{})
			id := f.click()
			hasStatus(http.StatusOK)(t, f.postback(append([]string{"clickid", id}, tt.params...)...))
			items, _ := f.items("/conversions")
			if len(items) != 1 {
				t.Fatalf("%d conversions, want 1", len(items))
			}
			for k, v := range tt.want {
				if items[0][k] != v {
					t.Errorf("%s = %#v, want %#v", k, items[0][k], v)
				}
			}
		})
	}
}

// pb is one postback of a duplicate-mode scenario and the reply it expects.
type pb struct {
	params []string
	action string
	dup    string
	sameAs int // index of the postback whose conversion id the reply names; -1 for a new id
}

func TestDuplicateModes(t *testing.T) {
	seq := func(actions ...string) []pb {
		params := [][]string{
			{"sum", "10.00", "status", "pending", "rdtk_event_id", "e1", "eventid", "A"},
			{"sum", "5.00", "status", "approved", "rdtk_event_id", "e1", "eventid", "B"},
			{"sum", "2.50", "status", "approved", "rdtk_event_id", "e2"},
			{"sum", "1.00", "type", "UpsellPurchase"},
		}
		out := make([]pb, len(actions))
		for i, a := range actions {
			out[i] = pb{params: params[i], action: a, dup: "repeated", sameAs: -1}
			if i == 0 || i == 3 {
				out[i].dup = "new"
			}
			if a != "created" {
				out[i].sameAs = 0
			}
		}
		return out
	}
	type conv struct{ payout, status, eventID, dup, eventid string }
	tests := []struct {
		mode tracker.Mode
		pbs  []pb
		want []conv // InitialPurchase conversions in order
	}{
		{tracker.ModeNew, seq("created", "created", "created", "created"),
			[]conv{{"10.00", "pending", "e1", "", "A"}, {"5.00", "approved", "e1", "", "B"}, {"2.50", "approved", "e2", "", ""}}},
		{tracker.ModeNewMarked, seq("created", "created", "created", "created"),
			[]conv{{"10.00", "pending", "e1", "new", "A"}, {"5.00", "approved", "e1", "repeated", "B"}, {"2.50", "approved", "e2", "repeated", ""}}},
		{tracker.ModeIgnore, seq("created", "ignored", "ignored", "created"),
			[]conv{{"10.00", "pending", "e1", "", "A"}}},
		{tracker.ModeEdit, seq("created", "updated", "updated", "created"),
			[]conv{{"2.50", "approved", "e2", "", "B"}}},
		{tracker.ModeAddPayout, seq("created", "updated", "updated", "created"),
			[]conv{{"17.50", "pending", "e1", "", "A"}}},
		{tracker.ModeIgnoreEventID, func() []pb {
			s := seq("created", "ignored", "created", "created")
			s[2].sameAs = -1
			return s
		}(), []conv{{"10.00", "pending", "e1", "", "A"}, {"2.50", "approved", "e2", "", ""}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			f := newFixture(t, tracker.Config{DuplicateMode: tt.mode})
			id := f.click()
			var ids []string
			for i, p := range tt.pbs {
				r := f.postback(append([]string{"clickid", id}, p.params...)...)
				hasStatus(http.StatusOK)(t, r)
				hasField("action", p.action)(t, r)
				hasField("duplicate_status", p.dup)(t, r)
				cid, _ := r.body["conversion_id"].(string)
				ids = append(ids, cid)
				if p.sameAs >= 0 && cid != ids[p.sameAs] {
					t.Errorf("postback %d: conversion_id %s, want %s of postback %d", i, cid, ids[p.sameAs], p.sameAs)
				}
				if p.sameAs < 0 && i > 0 && cid == ids[0] {
					t.Errorf("postback %d: conversion_id %s reused", i, cid)
				}
			}
			items, total := f.items("/conversions?type=InitialPurchase")
			if total != len(tt.want) {
				t.Fatalf("%d InitialPurchase conversions, want %d: %v", total, len(tt.want), items)
			}
			for i, w := range tt.want {
				c := items[i]
				dup := map[float64]string{0: "", 1: "new", 2: "repeated"}[c["duplicate_status"].(float64)]
				got := conv{fmt.Sprintf("%.2f", c["payout"]), c["status"].(string), c["deduplicate_token"].(string),
					dup, c["p_sub1"].(string)}
				if got != w {
					t.Errorf("conversion %d = %+v, want %+v", i, got, w)
				}
			}
			if _, n := f.items("/conversions?type=UpsellPurchase"); n != 1 {
				t.Errorf("%d UpsellPurchase conversions, want 1: another type is no duplicate", n)
			}
			other := f.click()
			hasField("action", "created")(t, f.postback("clickid", other, "sum", "1", "rdtk_event_id", "e1"))
		})
	}
}

func TestPerTypeMode(t *testing.T) {
	f := newFixture(t, tracker.Config{
		DuplicateMode: tracker.ModeIgnore,
		ConversionTypes: []tracker.ConversionType{
			{Name: "OrderFormImpression"}, {Name: "InitialPurchase"}, {Name: "UpsellPurchase", Mode: tracker.ModeNew},
		},
	})
	id := f.click()
	for range 2 {
		f.postback("clickid", id, "type", "InitialPurchase")
		f.postback("clickid", id, "type", "UpsellPurchase")
	}
	if _, n := f.items("/conversions?type=InitialPurchase"); n != 1 {
		t.Errorf("InitialPurchase (offer-wide ignore): %d conversions, want 1", n)
	}
	if _, n := f.items("/conversions?type=UpsellPurchase"); n != 2 {
		t.Errorf("UpsellPurchase (own mode new): %d conversions, want 2", n)
	}
}

func TestConcurrentDuplicates(t *testing.T) {
	const n = 64
	tests := []struct {
		mode    tracker.Mode
		want    int    // conversions recorded
		created int    // replies with action "created"
		payout  string // payout of the first conversion
	}{
		{tracker.ModeNew, n, n, "1.00"},
		{tracker.ModeNewMarked, n, n, "1.00"},
		{tracker.ModeIgnore, 1, 1, "1.00"},
		{tracker.ModeEdit, 1, 1, "1.00"},
		{tracker.ModeAddPayout, 1, 1, "64.00"},
		{tracker.ModeIgnoreEventID, 1, 1, "1.00"},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tracker.Config{DBPath: tempDB(t), DuplicateMode: tt.mode})
			id := f.click()
			path := f.srv.URL + "/postback?" + query("clickid", id, "sum", "1.00", "type", "UpsellPurchase", "rdtk_event_id", "ev")
			var wg sync.WaitGroup
			actions := make([]string, n)
			errs := make(chan error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					resp, err := f.srv.Client().Get(path)
					if err != nil {
						errs <- err
						return
					}
					defer resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						errs <- fmt.Errorf("status %d", resp.StatusCode)
						return
					}
					var body struct{ Action string }
					if err := decode(resp, &body); err != nil {
						errs <- err
						return
					}
					actions[i] = body.Action
				})
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			created := 0
			for _, a := range actions {
				if a == "created" {
					created++
				}
			}
			if created != tt.created {
				t.Errorf("%d replies said created, want %d", created, tt.created)
			}
			items, total := f.items("/conversions?per=1000")
			if total != tt.want {
				t.Fatalf("%d conversions, want %d", total, tt.want)
			}
			if got := fmt.Sprintf("%.2f", items[0]["payout"]); got != tt.payout {
				t.Errorf("payout = %s, want %s", got, tt.payout)
			}
			if tt.mode == tracker.ModeNewMarked {
				marks := map[float64]int{} // models.ConversionView's integer duplicate_status
				for _, c := range items {
					marks[c["duplicate_status"].(float64)]++
				}
				if marks[1] != 1 || marks[2] != n-1 {
					t.Errorf("duplicate statuses %v, want 1 new (1) and %d repeated (2)", marks, n-1)
				}
			}
		})
	}
}

func TestRejections(t *testing.T) {
	f := newFixture(t, tracker.Config{PostbackToken: "tok"})
	id := f.click()
	long := strings.Repeat("x", tracker.MaxValueBytes+1)
	var many []string
	for i := range 10 {
		many = append(many, fmt.Sprintf("p%d", i), strings.Repeat("y", 1000))
	}
	tests := []struct {
		name   string
		query  string
		status int
		param  string
		reason string
	}{
		{"ErrMissingClickID", query("ptoken", "tok", "sum", "1"), 400, "clickid", "missing click id"},
		{"ErrEmptyClickID", query("clickid", "", "ptoken", "tok"), 400, "clickid", "missing click id"},
		{"ErrUnknownClick", query("clickid", "ffffffffffffffffffffffff", "ptoken", "tok"), 404, "clickid", "unknown click id"},
		{"ErrUnexpandedMacro", query("clickid", "{tid}", "ptoken", "tok"), 404, "clickid", `unknown click id "{tid}"`},
		{"ErrSumWord", query("clickid", id, "ptoken", "tok", "sum", "abc"), 400, "sum", "not a non-negative decimal"},
		{"ErrSumNegative", query("clickid", id, "ptoken", "tok", "sum", "-1.00"), 400, "sum", "not a non-negative decimal"},
		{"ErrSumComma", query("clickid", id, "ptoken", "tok", "sum", "1,50"), 400, "sum", "not a non-negative decimal"},
		{"ErrSumMacro", query("clickid", id, "ptoken", "tok", "sum", "{affiliate_earnings}"), 400, "sum", "not a non-negative decimal"},
		{"ErrSumTooLarge", query("clickid", id, "ptoken", "tok", "sum", "1000000000000"), 400, "sum", "too large"},
		{"ErrUnknownType", query("clickid", id, "ptoken", "tok", "type", "Deposit"), 400, "type", `unknown conversion type "Deposit"`},
		{"ErrTypeCase", query("clickid", id, "ptoken", "tok", "type", "initialpurchase"), 400, "type", "case-sensitive"},
		{"ErrTypeSpaced", query("clickid", id, "ptoken", "tok", "type", "Initial Purchase"), 400, "type", "unknown conversion type"},
		{"ErrMissingToken", query("clickid", id), 403, "ptoken", "missing postback token"},
		{"ErrWrongToken", query("clickid", id, "ptoken", "TOK"), 403, "ptoken", "wrong postback token"},
		{"ErrStatus", query("clickid", id, "ptoken", "tok", "status", "Approved"), 400, "status", "not one of approved, pending, declined, other"},
		{"ErrCurrency", query("clickid", id, "ptoken", "tok", "currency", "US$"), 400, "currency", "3-letter code"},
		{"ErrLongValue", query("clickid", id, "ptoken", "tok", "zip", long), 400, "zip", "longer than 1024"},
		{"ErrLongQuery", query(append([]string{"clickid", id, "ptoken", "tok"}, many...)...), 400, "query", "longer than 8192"},
		{"ErrMalformedQuery", "clickid=" + id + "&ptoken=tok&zip=%zz", 400, "query", "malformed query string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get("/postback?" + tt.query)
			hasStatus(tt.status)(t, r)
			hasField("param", tt.param)(t, r)
			errorContains(tt.reason)(t, r)
		})
	}
	items, total := f.items("/rejections?per=1000")
	if total != len(tests) {
		t.Fatalf("rejections log holds %d, want %d", total, len(tests))
	}
	for i, tt := range tests {
		got := items[i]
		if got["param"] != tt.param || int(got["status"].(float64)) != tt.status ||
			!strings.Contains(got["error"].(string), tt.reason) || got["created_at"] != "2026-03-14T12:00:00Z" {
			t.Errorf("rejection %d (%s) = %v", i, tt.name, got)
		}
		// The log keeps the query with the token masked (TestRejectionsMaskSecrets).
		want := strings.NewReplacer("ptoken=tok", "ptoken=***", "ptoken=TOK", "ptoken=***").Replace(tt.query)
		if q := got["query"].(string); len(tt.query) <= tracker.MaxQueryBytes && q != want {
			t.Errorf("rejection %d (%s) query = %q, want %q", i, tt.name, q, want)
		}
	}
	if _, n := f.items("/conversions"); n != 0 {
		t.Errorf("%d conversions recorded from rejected postbacks", n)
	}
}

func TestCaseSensitiveTypes(t *testing.T) {
	f := newFixture(t, tracker.Config{ConversionTypes: []tracker.ConversionType{{Name: "Deposit"}}})
	id := f.click()
	hasStatus(http.StatusOK)(t, f.postback("clickid", id, "type", "Deposit"))
	hasStatus(http.StatusOK)(t, f.postback("clickid", id)) // default type falls back to the only one
	hasStatus(http.StatusBadRequest)(t, f.postback("clickid", id, "type", "deposit"))
	hasStatus(http.StatusBadRequest)(t, f.postback("clickid", id, "type", "DEPOSIT"))
	if _, n := f.items("/conversions?type=Deposit"); n != 2 {
		t.Errorf("%d Deposit conversions, want 2", n)
	}
}

// TestConcurrentMixed sends valid and refused postbacks at once: refused
// ones committed in the same group must not disturb the others.
func TestConcurrentMixed(t *testing.T) {
	f := newFixture(t, tracker.Config{DBPath: tempDB(t)})
	id := f.click()
	const n = 64
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			q := query("clickid", id, "sum", "1.00", "rdtk_event_id", fmt.Sprint(i))
			if i%2 == 1 {
				q = query("clickid", fmt.Sprintf("%024x", i), "sum", "1.00")
			}
			resp, err := f.srv.Client().Get(f.srv.URL + "/postback?" + q)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, st := range statuses {
		want := http.StatusOK
		if i%2 == 1 {
			want = http.StatusNotFound
		}
		if st != want {
			t.Errorf("postback %d: status %d, want %d", i, st, want)
		}
	}
	if _, total := f.items("/conversions"); total != n/2 {
		t.Errorf("%d conversions, want %d", total, n/2)
	}
	if _, total := f.items("/rejections"); total != n/2 {
		t.Errorf("%d rejections, want %d", total, n/2)
	}
}

// TestEventIDParam reads the event id from the offer source's Event ID
// parameter (the ClickBank template's eventid={event_id}) and deduplicates on it.
func TestEventIDParam(t *testing.T) {
	f := newFixture(t, tracker.Config{EventIDParam: "eventid", DuplicateMode: tracker.ModeIgnoreEventID})
	id := f.click()
	for _, ev := range []string{"ev-1", "ev-1", "ev-2"} {
		f.postback("clickid", id, "type", "UpsellPurchase", "sum", "1.00", "eventid", ev, "rdtk_event_id", "ignored-"+ev)
	}
	items, n := f.items("/conversions?clickid=" + id)
	if n != 2 {
		t.Fatalf("%d conversions, want 2 (ev-1 once, ev-2): %v", n, items)
	}
	if items[0]["deduplicate_token"] != "ev-1" || items[1]["deduplicate_token"] != "ev-2" {
		t.Fatalf("event ids %v and %v, want ev-1 and ev-2 read from eventid", items[0]["deduplicate_token"], items[1]["deduplicate_token"])
	}
}
