package buyer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWalk: the buyer follows a redirect that sets a cookie, clicks a link,
// and submits a form with its hidden fields, a select, a checked and an
// unchecked box, and the button it pressed; the server sees what a
// browser would send.
func TestWalk(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "hop", Value: "h1", Path: "/"})
		http.Redirect(w, r, "/land?x=1", http.StatusFound)
	})
	mux.HandleFunc("GET /land", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>Land %s</title></head><body><a id="go" href="form?c=%s">go</a></body></html>`, r.URL.Query().Get("x"), cookie(r))
	})
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<form id="f" method="post" action="/done"><input type="hidden" name="token" value="T">
<input name="name" value="">
<select name="country"><option value="US">US</option><option value="DE" selected>DE</option></select>
<input type="checkbox" name="news" value="yes" checked><input type="checkbox" name="spam" value="yes">
<button id="accept" name="answer" value="a">Yes</button><button id="decline" name="answer" value="d">No</button></form>`)
	})
	mux.HandleFunc("POST /done", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "text/html")
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1"})
		fmt.Fprintf(w, `<p>%s</p>`, r.PostForm.Encode()+" cookie="+cookie(r)+" ua="+r.UserAgent())
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()
	b := New(Options{UserAgent: "TestAgent/1"})
	p, err := b.Get(ctx, srv.URL+"/start")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title() != "Land 1" || len(p.Via) != 1 || p.Via[0].Path != "/start" {
		t.Fatalf("after the redirect: title %q via %v", p.Title(), p.Via)
	}
	if p, err = b.Follow(ctx, p, "go"); err != nil {
		t.Fatal(err)
	}
	if p.URL.Query().Get("c") != "h1" {
		t.Fatalf("the cookie set on the redirect did not come back: %s", p.URL)
	}
	if _, err := b.Submit(ctx, p, "accept", map[string]string{"nosuch": "x"}); err == nil || !strings.Contains(err.Error(), `no field "nosuch"`) {
		t.Fatalf("a field the form lacks: err = %v", err)
	}
	done, err := b.Submit(ctx, p, "decline", map[string]string{"name": "Jo Buyer"})
	if err != nil {
		t.Fatal(err)
	}
	want := "answer=d&country=DE&name=Jo+Buyer&news=yes&token=T cookie=h1 ua=TestAgent/1"
	if got := done.Text(); got != want {
		t.Fatalf("the server saw %q, want %q", got, want)
	}
	if _, err := p.Form("nope"); err == nil || !strings.Contains(err.Error(), "button#accept") {
		t.Fatalf("an unknown form must list what the page has: %v", err)
	}
}

func cookie(r *http.Request) string {
	c, err := r.Cookie("hop")
	if err != nil {
		return ""
	}
	return c.Value
}
