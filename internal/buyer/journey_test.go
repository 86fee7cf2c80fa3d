package buyer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// shop is a tiny funnel with the page ids Walk clicks: a sales page with
// two buy links, an order form, two upsell offers, a thank-you page. It
// records what the buyer did.
func shop(t *testing.T) (*httptest.Server, *[]string) {
	var log []string
	html := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sales", func(w http.ResponseWriter, r *http.Request) {
		html(w, 200, `<a id="buy-FE1" href="/pay?cbitems=FE1">1</a><a id="other" href="/x">x</a><a id="buy-FE2" href="/pay?cbitems=FE2">2</a>`)
	})
	mux.HandleFunc("GET /pay", func(w http.ResponseWriter, r *http.Request) {
		log = append(log, "form "+r.URL.Query().Get("cbitems"))
		html(w, 200, `<form id="order-form" method="post"><input type="hidden" name="cbitems" value="`+r.URL.Query().Get("cbitems")+`"><input name="card" value=""></form>`)
	})
	mux.HandleFunc("POST /pay", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.PostForm.Get("card") == "" {
			html(w, 400, `<p>card: required</p>`)
			return
		}
		log = append(log, "order "+r.PostForm.Get("cbitems")+" "+r.PostForm.Get("card"))
		http.Redirect(w, r, "/up/1", http.StatusSeeOther)
	})
	offer := `<form method="post"><button id="accept" name="cbur" value="a">yes</button><button id="decline" name="cbur" value="d">no</button></form>`
	mux.HandleFunc("GET /up/{n}", func(w http.ResponseWriter, r *http.Request) { html(w, 200, offer) })
	mux.HandleFunc("POST /up/{n}", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		log = append(log, "upsell "+r.PathValue("n")+" "+r.PostForm.Get("cbur"))
		if r.PathValue("n") == "2" {
			http.Redirect(w, r, "/thanks", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/up/2", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, r *http.Request) { html(w, 200, `<title>Thank you</title>`) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &log
}

func TestWalkFunnel(t *testing.T) {
	tests := []struct {
		name  string
		j     Journey
		want  []string // what the shop saw
		steps string   // what Walk did
		err   string
	}{
		{"FirstItemAcceptThenDecline", Journey{Fields: map[string]string{"card": "4111"}, Answers: []bool{true}},
			[]string{"form FE1", "order FE1 4111", "upsell 1 a", "upsell 2 d"}, "visit buy FE1 order accept decline", ""},
		{"NamedItem", Journey{Item: "FE2", Fields: map[string]string{"card": "4111"}, Answers: []bool{false, true}},
			[]string{"form FE2", "order FE2 4111", "upsell 1 d", "upsell 2 a"}, "visit buy FE2 order decline accept", ""},
		{"Abandon", Journey{Abandon: true}, []string{"form FE1"}, "visit buy FE1", ""},
		{"UnknownItem", Journey{Item: "NOPE"}, nil, "visit", "no buy link for item NOPE (it has: buy-FE1, buy-FE2)"},
		{"RefusedOrder", Journey{}, []string{"form FE1"}, "visit buy FE1 order", "order: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, log := shop(t)
			tc.j.Start = srv.URL + "/sales"
			var did []string
			steps, err := New(Options{}).Walk(context.Background(), tc.j, func(s Step) { did = append(did, s.Did) })
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Walk: err = %v, want %q", err, tc.err)
			}
			if got := strings.Join(did, " "); got != tc.steps || len(steps) != len(did) {
				t.Fatalf("steps %q (%d returned), want %q", got, len(steps), tc.steps)
			}
			if strings.Join(*log, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("the shop saw %q, want %q", *log, tc.want)
			}
		})
	}
}

func TestParseAnswers(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []bool
		err  string
	}{
		{"", nil, ""},
		{"yes", []bool{true}, ""},
		{"yes,no", []bool{true, false}, ""},
		{" Y , n ,accept,decline,a,d,true,false", []bool{true, false, true, false, true, false, true, false}, ""},
		{"yes,maybe", nil, `answer 2 is "maybe": want yes or no`},
		{"yes,,no", nil, `answer 2 is ""`},
	} {
		got, err := ParseAnswers(c.in)
		if c.err == "" && (err != nil || !slices.Equal(got, c.want)) || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("ParseAnswers(%q) = %v, %v; want %v, %q", c.in, got, err, c.want, c.err)
		}
	}
}
