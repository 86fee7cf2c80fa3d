package faketracker

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	keyOrbitra = "kO"
	pbKey      = "pbk"
)

// newOrbitra starts a fake Orbitra with two campaigns and a test clock.
func newOrbitra(t *testing.T, b backend, build OrbitraBuild, broken Broken) (*Orbitra, *clock) {
	t.Helper()
	clk := newClock()
	db := b.open(t)
	o, err := NewOrbitra(OrbitraOptions{
		DB:      db,
		Dialect: b.dialect,
		Campaigns: []OrbitraCampaign{
			{Alias: "sleep", Name: "Sleep Guide", OfferURL: "https://offer.example/lp?cid={clickid}&s={subid}&k={keyword}&x={unknown}&o={offer_id}"},
			{Alias: "keto", Name: "Keto", OfferURL: "keto.example/go?c={clickid}"},
		},
		PostbackKey: pbKey,
		APIKey:      keyOrbitra,
		Build:       build,
		Broken:      broken,
		Now:         clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Close)
	return o, clk
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// clickOrbitra clicks /<alias> and returns the click id of the redirect.
func clickOrbitra(t *testing.T, o *Orbitra, pathQuery string, headers ...string) string {
	t.Helper()
	r := do(t, o.Client(), o.URL+pathQuery, headers...)
	if r.status != 302 {
		t.Fatalf("click %s: status %d %q, want 302", pathQuery, r.status, r.body)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	id := u.Query().Get("cid") + u.Query().Get("c")
	if !uuidPattern.MatchString(id) {
		t.Fatalf("click id %q in %s is not a UUID v4", id, u)
	}
	return id
}

// testDB is a fake's database as a test inspects it: queries are written
// with ? and rebound to the dialect.
type testDB struct {
	db *sql.DB
	d  OrbitraDialect
}

func (t testDB) QueryRow(query string, args ...any) *sql.Row {
	return t.db.QueryRow(t.d.rebind(query), args...)
}

func (t testDB) Query(query string, args ...any) (*sql.Rows, error) {
	return t.db.Query(t.d.rebind(query), args...)
}

// dbOrbitra opens the fake's database as a SQL-read profile would: its
// SQLite file read-only, or the DB it was given.
func dbOrbitra(t *testing.T, o *Orbitra) testDB {
	t.Helper()
	if o.opts.DB != nil {
		return testDB{o.opts.DB, o.opts.Dialect}
	}
	db, err := sql.Open("sqlite", o.DBPath()+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return testDB{db, DialectSQLite}
}

func count(t *testing.T, db testDB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestOrbitraClickMacros(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		cases := []struct {
			name     string
			build    OrbitraBuild
			path     string
			location string // with ID for the click id
		}{
			{"new replaces clickid and subid and strips the rest", OrbitraNew, "/sleep",
				"https://offer.example/lp?cid=ID&s=ID&k=&x=&o=1"},
			{"new ignores an incoming subid for {subid}", OrbitraNew, "/sleep?subid=abc&keyword=a+b%2Fc",
				"https://offer.example/lp?cid=ID&s=ID&k=a+b%2Fc&x=&o=1"},
			{"old keeps {subid} and unknown macros literal", OrbitraOld, "/sleep",
				"https://offer.example/lp?cid=ID&s={subid}&k={keyword}&x={unknown}&o=1"},
			{"old fills {subid} from an incoming subid", OrbitraOld, "/r/sleep?subid=abc",
				"https://offer.example/lp?cid=ID&s=abc&k={keyword}&x={unknown}&o=1"},
			{"a URL without a scheme gets http://", OrbitraNew, "/keto", "http://keto.example/go?c=ID"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				o, _ := newOrbitra(t, be, tc.build, NotBroken)
				r := do(t, o.Client(), o.URL+tc.path)
				loc := r.header.Get("Location")
				id := uuidPattern.FindString(strings.SplitN(strings.SplitN(loc, "=", 2)[1], "&", 2)[0])
				if r.status != 302 || id == "" || loc != strings.ReplaceAll(tc.location, "ID", id) {
					t.Errorf("%d %s, want 302 %s", r.status, loc, tc.location)
				}
			})
		}
	})
}

func TestOrbitraClickAnswers(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		cases := []struct {
			name    string
			path    string
			headers []string
			checks  []check
			stored  int
		}{
			{"redirect=0 answers JSON as PHP writes it", "/sleep?redirect=0", nil,
				[]check{hasStatus(200), hasHeader("Content-Type", "application/json"), bodyMatches(
					`^\{"status":"ok","click_id":"[0-9a-f-]{36}","url":"https:\\/\\/offer\.example\\/lp\?cid=[0-9a-f-]{36}&s=[0-9a-f-]{36}&k=&x=&o=1"\}$`)}, 1},
			{"unknown alias", "/nope", nil, []check{hasStatus(200), hasBody("Campaign not found.")}, 0},
			{"no campaign", "/a/b", nil, []check{hasStatus(200), hasBody("Campaign not specified.")}, 0},
			{"reserved path", "/admin", nil, []check{hasStatus(200), hasBody("Campaign not specified.")}, 0},
			{"campaign by query", "/?campaign=keto", nil, []check{hasStatus(302)}, 1},
			{"static file", "/sleep.png", nil, []check{hasStatus(404), hasBody("")}, 0},
			{"image fetch", "/sleep", []string{"Sec-Fetch-Dest: image"}, []check{hasStatus(404)}, 0},
			{"prefetch", "/sleep", []string{"X-Purpose: preview"}, []check{hasStatus(200), hasBody("Prefetch ignored.")}, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				o, _ := newOrbitra(t, be, OrbitraNew, NotBroken)
				runChecks(t, do(t, o.Client(), o.URL+tc.path, tc.headers...), tc.checks...)
				if n := count(t, dbOrbitra(t, o), `SELECT COUNT(*) FROM clicks`); n != tc.stored {
					t.Errorf("%d clicks stored, want %d", n, tc.stored)
				}
			})
		}
	})
}

func bodyMatches(pattern string) check {
	re := regexp.MustCompile(pattern)
	return func(t *testing.T, r response) {
		t.Helper()
		if !re.MatchString(r.body) {
			t.Errorf("body %s does not match %s", r.body, pattern)
		}
	}
}

func TestOrbitraClickRow(t *testing.T) {
	o, _ := newOrbitra(t, backends[0], OrbitraNew, NotBroken)
	id := clickOrbitra(t, o, "/sleep?subid=s%2F1&sub_id_2=x&other=y",
		"X-Forwarded-For: 10.1.2.3, 203.0.113.9", "User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile Safari/604.1",
		"Accept-Language: de-CH,de;q=0.9")
	var ip, params, created, device, os, lang, country string
	var campaign int
	err := dbOrbitra(t, o).QueryRow(`SELECT ip, campaign_id, parameters_json, typeof(created_at) || ' ' || created_at, device_type, os, language, country FROM clicks WHERE id = ?`, id).
		Scan(&ip, &campaign, &params, &created, &device, &os, &lang, &country)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"203.0.113.9", "1", `{"subid":"s\/1","sub_id_2":"x","sub_id_1":"s\/1"}`, "text 2026-12-03 10:00:00", "Mobile", "iOS", "de", "Unknown"}
	got := []string{ip, fmt.Sprint(campaign), params, created, device, os, lang, country}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("click row %q, want %q", got, want)
	}
}

func TestOrbitraDebounce(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		cases := []struct {
			name    string
			after   time.Duration
			headers []string
			stored  bool
		}{
			{"same IP within the second", 500 * time.Millisecond, nil, false},
			{"same IP two seconds on", 2 * time.Second, nil, false},
			{"same IP three seconds on", 3 * time.Second, nil, true},
			{"another public IP", time.Second, []string{"X-Forwarded-For: 203.0.113.9"}, true},
			{"a private forwarded IP is not the client's", time.Second, []string{"X-Forwarded-For: 192.168.1.5"}, false},
			{"another campaign", time.Second, nil, true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				o, clk := newOrbitra(t, be, OrbitraNew, NotBroken)
				first := clickOrbitra(t, o, "/sleep")
				clk.Add(tc.after)
				path := "/sleep"
				if tc.name == "another campaign" {
					path = "/keto"
				}
				second := clickOrbitra(t, o, path, tc.headers...)
				if second == first {
					t.Fatal("the second click got the first one's id")
				}
				db := dbOrbitra(t, o)
				if n := count(t, db, `SELECT COUNT(*) FROM clicks WHERE id = ?`, second); (n == 1) != tc.stored {
					t.Errorf("second click stored: %v, want %v", n == 1, tc.stored)
				}
				want := 404
				if tc.stored {
					want = 200
				}
				runChecks(t, do(t, o.Client(), o.URL+"/"+pbKey+"/postback?status=sale&payout=5&subid="+second), hasStatus(want))
			})
		}
	})
}

func TestOrbitraPostbackAnswers(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		cases := []struct {
			name   string
			path   string // ID is replaced by a click id
			checks []check
			rows   int
		}{
			{"recorded", "/pbk/postback?subid=ID&status=sale&payout=12.5",
				[]check{hasStatus(200), hasBody("Postback recorded successfully."), hasHeader("Content-Type", "text/html; charset=UTF-8")}, 1},
			{"trailing slash", "/pbk/postback/?subid=ID&status=sale", []check{hasStatus(200), hasBody("Postback recorded successfully.")}, 1},
			{"clickid alias", "/pbk/postback?clickid=ID&status=lead", []check{hasStatus(200)}, 1},
			{"click_id alias trimmed", "/pbk/postback?click_id=%20ID%20&status=lead", []check{hasStatus(200)}, 1},
			{"type for status", "/pbk/postback?subid=ID&type=sale", []check{hasStatus(200)}, 1},
			{"custom return escaped", "/pbk/postback?subid=ID&status=sale&return=%3Cok%3E%26%22", []check{hasStatus(200), hasBody("&lt;ok&gt;&amp;&quot;")}, 1},
			{"missing subid", "/pbk/postback?status=sale", []check{hasStatus(400), hasBody("Missing subid.")}, 0},
			{"empty subid wins over clickid", "/pbk/postback?subid=&clickid=ID&status=sale", []check{hasStatus(400), hasBody("Missing subid.")}, 0},
			{"missing status", "/pbk/postback?subid=ID", []check{hasStatus(400), hasBody("Ignored: Missing status.")}, 0},
			{"status 0 is falsy", "/pbk/postback?subid=ID&status=0", []check{hasStatus(400), hasBody("Ignored: Missing status.")}, 0},
			{"unknown click", "/pbk/postback?subid=nope&status=sale", []check{hasStatus(404), hasBody("Click ID not found in database.")}, 0},
			{"blank status fails the write", "/pbk/postback?subid=ID&status=%20", []check{hasStatus(500), hasBody("Internal error.")}, 0},
			{"wrong key is not a postback", "/wrong/postback?subid=ID&status=sale", []check{hasStatus(200), hasBody("Campaign not specified.")}, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				o, _ := newOrbitra(t, be, OrbitraNew, NotBroken)
				id := clickOrbitra(t, o, "/sleep")
				runChecks(t, do(t, o.Client(), o.URL+strings.ReplaceAll(tc.path, "ID", id)), tc.checks...)
				if n := count(t, dbOrbitra(t, o), `SELECT COUNT(*) FROM conversions`); n != tc.rows {
					t.Errorf("%d conversions, want %d", n, tc.rows)
				}
			})
		}
	})
}

func TestOrbitraPostbackRows(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		type row struct {
			TID      any
			Status   string
			Original string
			Payout   any
			Currency string
		}
		cases := []struct {
			name    string
			queries []string
			rows    []row // ordered by id
			revenue float64
			isConv  int
			only    OrbitraDialect // the case runs on this backend only; "" on every one
			status  int            // of each postback; 0 means 200
		}{
			{"without tid a repeat overwrites", []string{"status=lead&payout=1", "status=sale&payout=30"},
				[]row{{nil, "sale", "sale", 30.0, "USD"}}, 30, 1, "", 0},
			{"same tid upserts", []string{"status=sale&payout=10&tid=A", "status=sale&payout=15&tid=A"},
				[]row{{"A", "sale", "sale", 15.0, "USD"}}, 15, 1, "", 0},
			{"different tids add rows", []string{"status=sale&payout=10&tid=A", "status=sale&payout=5&tid=B"},
				[]row{{"A", "sale", "sale", 10.0, "USD"}, {"B", "sale", "sale", 5.0, "USD"}}, 15, 1, "", 0},
			{"empty tid is none", []string{"status=sale&payout=10&tid=", "status=sale&payout=20"},
				[]row{{nil, "sale", "sale", 20.0, "USD"}}, 20, 1, "", 0},
			{"revenue and profit alias payout", []string{"status=sale&revenue=7&tid=A", "status=sale&profit=8&tid=B"},
				[]row{{"A", "sale", "sale", 7.0, "USD"}, {"B", "sale", "sale", 8.0, "USD"}}, 15, 1, "", 0},
			{"no payout is 0", []string{"status=sale"}, []row{{nil, "sale", "sale", 0.0, "USD"}}, 0, 1, "", 0},
			{"currency as sent", []string{"status=sale&payout=3&currency=EUR"}, []row{{nil, "sale", "sale", 3.0, "EUR"}}, 3, 1, "", 0},
			{"status is matched whatever its case", []string{"status=SALE&payout=4"}, []row{{nil, "sale", "SALE", 4.0, "USD"}}, 4, 1, "", 0},
			{"status mapped by sale_status", []string{"status=approved&sale_status=pending,Approved&payout=4"}, []row{{nil, "sale", "approved", 4.0, "USD"}}, 4, 1, "", 0},
			{"unknown status is custom", []string{"status=weird&payout=4"}, []row{{nil, "custom", "weird", 4.0, "USD"}}, 0, 0, "", 0},
			{"rejected earns nothing", []string{"status=rejected&payout=4"}, []row{{nil, "rejected", "rejected", 4.0, "USD"}}, 0, 0, "", 0},
			{"registration earns but does not convert", []string{"status=registration&payout=4"}, []row{{nil, "registration", "registration", 4.0, "USD"}}, 4, 0, "", 0},
			{"a non-numeric payout is stored as text", []string{"status=sale&payout=abc"}, []row{{nil, "sale", "sale", "abc", "USD"}}, 0, 1, DialectSQLite, 0},
			{"a non-numeric payout is refused by a numeric column", []string{"status=sale&payout=abc"}, nil, 0, 0, DialectPostgres, 500},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if tc.only != "" && tc.only != cmp.Or(be.dialect, DialectSQLite) {
					t.Skipf("a case for %s only", tc.only)
				}
				o, _ := newOrbitra(t, be, OrbitraNew, NotBroken)
				id := clickOrbitra(t, o, "/sleep")
				for _, q := range tc.queries {
					runChecks(t, do(t, o.Client(), o.URL+"/pbk/postback?subid="+id+"&"+q), hasStatus(cmp.Or(tc.status, 200)))
				}
				db := dbOrbitra(t, o)
				rs, err := db.Query(`SELECT click_id, tid, status, original_status, payout, currency FROM conversions ORDER BY id`)
				if err != nil {
					t.Fatal(err)
				}
				defer rs.Close()
				var got []row
				for rs.Next() {
					var r row
					var click string
					if err := rs.Scan(&click, &r.TID, &r.Status, &r.Original, &r.Payout, &r.Currency); err != nil {
						t.Fatal(err)
					}
					if click != id {
						t.Errorf("row for click %s, want %s", click, id)
					}
					got = append(got, r)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.rows) {
					t.Errorf("rows %v, want %v", got, tc.rows)
				}
				var revenue float64
				var isConv int
				if err := db.QueryRow(`SELECT revenue, is_conversion FROM clicks WHERE id = ?`, id).Scan(&revenue, &isConv); err != nil {
					t.Fatal(err)
				}
				if revenue != tc.revenue || isConv != tc.isConv {
					t.Errorf("click revenue %v is_conversion %d, want %v %d", revenue, isConv, tc.revenue, tc.isConv)
				}
			})
		}
	})
}

func TestOrbitraAPIAuth(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		const unauthorized = `{"status":"error","message":"Unauthorized"}`
		const invalid = `{"status":"error","message":"Invalid API key"}`
		cases := []struct {
			name    string
			headers []string
			checks  []check
		}{
			{"no key", nil, []check{hasStatus(401), hasBody(unauthorized), hasHeader("Content-Type", "application/json")}},
			{"query key is not read", nil, []check{hasStatus(401), hasBody(unauthorized)}},
			{"wrong bearer", []string{"Authorization: Bearer nope"}, []check{hasStatus(401), hasBody(invalid)}},
			{"wrong X-Api-Key", []string{"X-Api-Key: nope"}, []check{hasStatus(401), hasBody(invalid)}},
			{"bearer", []string{"Authorization: Bearer " + keyOrbitra}, []check{hasStatus(200)}},
			{"bearer in any case", []string{"Authorization: BEARER   " + keyOrbitra}, []check{hasStatus(200)}},
			{"X-Api-Key", []string{"X-Api-Key:  " + keyOrbitra + " "}, []check{hasStatus(200)}},
			{"bearer wins over X-Api-Key", []string{"Authorization: Bearer nope", "X-Api-Key: " + keyOrbitra}, []check{hasStatus(401), hasBody(invalid)}},
			{"X-Api-Key when Authorization is not bearer", []string{"Authorization: Basic xyz", "X-Api-Key: " + keyOrbitra}, []check{hasStatus(200)}},
		}
		o, _ := newOrbitra(t, be, OrbitraNew, NotBroken)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				path := "/api.php?action=conversions"
				if tc.name == "query key is not read" {
					path += "&api_key=" + keyOrbitra
				}
				runChecks(t, do(t, o.Client(), o.URL+path, tc.headers...), tc.checks...)
			})
		}
		t.Run("unknown action", func(t *testing.T) {
			runChecks(t, do(t, o.Client(), o.URL+"/api.php?action=nope", "X-Api-Key: "+keyOrbitra), hasStatus(400))
		})
	})
}

func TestOrbitraAPIConversions(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		o, clk := newOrbitra(t, be, OrbitraNew, NotBroken)
		a := clickOrbitra(t, o, "/sleep")
		b := clickOrbitra(t, o, "/keto")
		for _, q := range []string{"subid=" + a + "&status=lead&payout=1", "subid=" + b + "&status=sale&payout=2.5", "subid=" + a + "&status=sale&payout=3&tid=T1"} {
			clk.Add(time.Hour)
			runChecks(t, do(t, o.Client(), o.URL+"/pbk/postback?"+q), hasStatus(200))
		}
		clk.Add(24 * time.Hour)
		cases := []struct {
			query string
			ids   []int
			page  string // "total page per_page total_pages"
		}{
			{"", []int{3, 2, 1}, "3 1 50 1"},
			{"&per_page=2", []int{3, 2}, "3 1 2 2"},
			{"&per_page=2&page=2", []int{1}, "3 2 2 2"},
			{"&page=0&per_page=0", []int{3, 2, 1}, "3 1 50 1"},
			{"&status=sale", []int{3, 2}, "2 1 50 1"},
			{"&campaign_id=2", []int{2}, "1 1 50 1"},
			{"&date_from=2026-12-03&date_to=2026-12-03", []int{3, 2, 1}, "3 1 50 1"},
			{"&date_from=2026-12-04", nil, "0 1 50 0"},
		}
		for _, tc := range cases {
			t.Run(tc.query, func(t *testing.T) {
				r := do(t, o.Client(), o.URL+"/api.php?action=conversions"+tc.query, "X-Api-Key: "+keyOrbitra)
				var body struct {
					Status string
					Data   []struct {
						ID       int
						ClickID  string `json:"click_id"`
						Campaign string `json:"campaign_name"`
					}
					Pagination struct {
						Total      int
						Page       int
						PerPage    int `json:"per_page"`
						TotalPages int `json:"total_pages"`
					}
				}
				decode(t, r, &body)
				var ids []int
				for _, d := range body.Data {
					ids = append(ids, d.ID)
				}
				p := body.Pagination
				if body.Status != "success" || fmt.Sprint(ids) != fmt.Sprint(tc.ids) || fmt.Sprint(p.Total, p.Page, p.PerPage, p.TotalPages) != tc.page {
					t.Errorf("%s %v %+v, want success %v %s", body.Status, ids, p, tc.ids, tc.page)
				}
			})
		}
		t.Run("a row as PHP encodes it", func(t *testing.T) {
			r := do(t, o.Client(), o.URL+"/api.php?action=conversions&campaign_id=2", "Authorization: Bearer "+keyOrbitra)
			want := fmt.Sprintf(`{"status":"success","data":[{"id":2,"click_id":"%s","tid":null,"status":"sale","original_status":"sale","payout":2.5,"currency":"USD","campaign_id":2,"campaign_name":"Keto","offer_name":"Keto offer","ip":"127.0.0.1","created_at":"2026-12-03 12:00:00"}],"pagination":{"total":1,"page":1,"per_page":50,"total_pages":1}}`, b)
			runChecks(t, r, hasStatus(200), hasBody(want))
		})
		t.Run("whole payouts keep .0", func(t *testing.T) {
			r := do(t, o.Client(), o.URL+"/api.php?action=conversions&status=lead", "X-Api-Key: "+keyOrbitra)
			if !strings.Contains(r.body, `"payout":1.0,`) {
				t.Errorf("body %s: want \"payout\":1.0", r.body)
			}
		})
		t.Run("postback log", func(t *testing.T) {
			r := do(t, o.Client(), o.URL+"/api.php?action=logs&type=postbacks&limit=1", "X-Api-Key: "+keyOrbitra)
			runChecks(t, r, hasStatus(200), hasJSON(fmt.Sprintf(`{"status":"success","data":[{"id":3,"click_id":"%s","status":"sale","original_status":"sale","payout":3.0,"currency":"USD","created_at":"2026-12-03 13:00:00","campaign_id":1,"campaign_name":"Sleep Guide"}]}`, a)))
		})
	})
}

func TestOrbitraBrokenTwins(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		cases := []struct {
			broken  Broken
			payout  string
			want    float64
			alterID bool
		}{
			{NotBroken, "10.50", 10.5, false},
			{NotBroken, "10", 10, false},
			{BrokenSum, "10.50", 10, false},
			{BrokenSum, "10", 9, false},
			{BrokenClickID, "10.50", 10.5, true},
		}
		for _, tc := range cases {
			t.Run(string(tc.broken)+"twin/"+tc.payout, func(t *testing.T) {
				o, _ := newOrbitra(t, be, OrbitraNew, tc.broken)
				id := clickOrbitra(t, o, "/sleep")
				runChecks(t, do(t, o.Client(), o.URL+"/pbk/postback?status=sale&subid="+id+"&payout="+tc.payout),
					hasStatus(200), hasBody("Postback recorded successfully."))
				var click string
				var payout float64
				if err := dbOrbitra(t, o).QueryRow(`SELECT click_id, payout FROM conversions`).Scan(&click, &payout); err != nil {
					t.Fatal(err)
				}
				if payout != tc.want || (click != id) != tc.alterID || len(click) != len(id) {
					t.Errorf("recorded click %s payout %v; sent %s %s, want payout %v, altered id %v", click, payout, id, tc.payout, tc.want, tc.alterID)
				}
			})
		}
	})
}

func TestOrbitraDatabaseFile(t *testing.T) {
	t.Run("a temporary file is removed by Close", func(t *testing.T) {
		o, _ := newOrbitra(t, backends[0], OrbitraNew, NotBroken)
		path := o.DBPath()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("database %s: %v", path, err)
		}
		o.Close()
		o.Close()
		if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there after Close (%v)", filepath.Dir(path), err)
		}
	})
	t.Run("a given path is created and kept", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "o.sqlite")
		o, err := NewOrbitra(OrbitraOptions{PostbackKey: pbKey, DBPath: path})
		if err != nil {
			t.Fatal(err)
		}
		if o.DBPath() != path {
			t.Errorf("DBPath %s, want %s", o.DBPath(), path)
		}
		o.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s gone after Close: %v", path, err)
		}
		if o2, err := NewOrbitra(OrbitraOptions{PostbackKey: pbKey, DBPath: path}); err == nil {
			o2.Close()
			t.Error("started over an existing database; want an error")
		}
	})
}

// unopened is a *sql.DB that never connects (sql.Open only validates its
// arguments), for options that must be refused before any query.
var unopened, _ = sql.Open("sqlite", "file:never?mode=memory")

func TestOrbitraOptions(t *testing.T) {
	cases := []struct {
		name string
		opts OrbitraOptions
	}{
		{"no postback key", OrbitraOptions{}},
		{"postback key with a slash", OrbitraOptions{PostbackKey: "a/b"}},
		{"unknown build", OrbitraOptions{PostbackKey: pbKey, Build: "v9"}},
		{"unknown defect", OrbitraOptions{PostbackKey: pbKey, Broken: "typo"}},
		{"alias with a slash", OrbitraOptions{PostbackKey: pbKey, Campaigns: []OrbitraCampaign{{Alias: "a/b", OfferURL: "x"}}}},
		{"duplicate alias", OrbitraOptions{PostbackKey: pbKey, Campaigns: []OrbitraCampaign{{Alias: "a", OfferURL: "x"}, {Alias: "a", OfferURL: "y"}}}},
		{"alias is the postback key", OrbitraOptions{PostbackKey: pbKey, Campaigns: []OrbitraCampaign{{Alias: pbKey, OfferURL: "x"}}}},
		{"no offer", OrbitraOptions{PostbackKey: pbKey, Campaigns: []OrbitraCampaign{{Alias: "a"}}}},
		{"unknown dialect", OrbitraOptions{PostbackKey: pbKey, Dialect: "mysql"}},
		{"postgres without a database", OrbitraOptions{PostbackKey: pbKey, Dialect: DialectPostgres}},
		{"a database and a file", OrbitraOptions{PostbackKey: pbKey, DB: unopened, DBPath: "x.sqlite"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := NewOrbitra(tc.opts)
			if err == nil {
				o.Close()
				t.Fatal("started; want an error")
			}
			t.Log(err)
		})
	}
}

func TestOrbitraKeepsARequestLog(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		o, _ := newOrbitra(t, be, OrbitraNew, NotBroken)
		clickOrbitra(t, o, "/sleep", "X-Forwarded-For: 203.0.113.9")
		do(t, o.Client(), o.URL+"/pbk/postback?status=sale")
		reqs := o.Requests()
		if len(reqs) != 2 || reqs[0].Path != "/sleep" || reqs[0].Status != 302 || reqs[0].Header.Get("X-Forwarded-For") != "203.0.113.9" ||
			reqs[1].Path != "/pbk/postback" || reqs[1].Status != 400 {
			t.Errorf("requests %+v", reqs)
		}
	})
}
