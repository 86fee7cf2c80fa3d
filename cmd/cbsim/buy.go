package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/cbsim/cbsim/internal/buyer"
)

// defaultBuyerUA is the user agent `cbsim buy` sends unless told: a
// desktop Chrome, so postbacks carry {device_type}=desktop and
// {browser}=Chrome.
const defaultBuyerUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"

// defaultCard is the card `cbsim buy` pays with: a Luhn-valid number that
// is not cbsim serve's default test card, so the order is a normal one
// and the affiliate's postbacks fire.
const defaultCard = "4000 0000 0000 0002"

func runBuy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("buy", "[--proxy URL] [--accept yes,no] [flags] START_URL", stderr)
	proxy := fs.String("proxy", "", "cbsim serve's `URL`: ClickBank's host names (hop.clickbank.net, VEN.pay.clickbank.net) go through it, everything else direct")
	caFile := fs.String("ca", "", "trust this CA certificate (PEM `FILE`) for https; default with --proxy: the one cbsim serve hands out at /ca.pem")
	item := fs.String("item", "", "the sales page's buy link to take: an item number (SKU); default the first")
	card := fs.String("card", defaultCard, "the card number on the order form; cbsim serve's --test-card (default 4111111111111111) places a test order")
	fields := keyValues{}
	fs.Var(fields, "field", "an order form field, NAME=VALUE (repeatable): name, email, expiry, cvv, country, state, zip")
	accept := fs.String("accept", "", "the answers to the upsell offers in order, yes or no each, comma-separated (offers past the list are declined)")
	abandon := fs.Bool("abandon", false, "leave at the order form without buying (only the Order Form Impression fires)")
	ua := fs.String("user-agent", defaultBuyerUA, "the browser's User-Agent: cbsim serve reads {device_type} and {browser} from it")
	jsonOut := fs.Bool("json", false, "print each step as a JSON line")
	timeout := fs.Duration("timeout", 30*time.Second, "per request")
	if code := parseArgs(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(fs, "give one START_URL: a tracker's campaign link, a hoplink, a sales page or a pay link")
	}
	start := fs.Arg(0)
	if u, err := url.Parse(start); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError(fs, "START_URL %q: want an absolute http(s) URL", start)
	}
	answers, err := buyer.ParseAnswers(*accept)
	if err != nil {
		return usageError(fs, "--accept: %v", err)
	}
	if *timeout <= 0 {
		return usageError(fs, "--timeout must be a positive duration such as 30s, got %s", *timeout)
	}
	opts := buyer.Options{UserAgent: *ua, Timeout: *timeout}
	if *proxy != "" {
		u, err := url.Parse(*proxy)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return usageError(fs, "--proxy %q: want cbsim serve's URL, such as http://127.0.0.1:8080", *proxy)
		}
		opts.Proxy = u
	}
	var pem []byte
	switch {
	case *caFile != "":
		if pem, err = os.ReadFile(*caFile); err != nil {
			return usageError(fs, "--ca: %v", err)
		}
	case opts.Proxy != nil:
		if pem, err = fetchCA(ctx, *proxy+"/ca.pem"); err != nil {
			fmt.Fprintf(stderr, "cbsim buy: the proxy's CA: %v (is cbsim serve running at --proxy?)\n", err)
			return 1
		}
	}
	if pem != nil {
		if opts.RootCAs, err = buyer.ParseCA(pem); err != nil {
			return usageError(fs, "--ca: %v", err)
		}
	}
	set := maps.Clone(map[string]string(fields))
	defaults := map[string]string{"name": "Test Buyer", "email": "buyer@example.com", "card_number": *card,
		"expiry": fmt.Sprintf("12/%d", time.Now().Year()+3), "cvv": "123"}
	for k, v := range defaults {
		if _, given := set[k]; !given {
			set[k] = v
		}
	}
	b := buyer.New(opts)
	n := 0
	_, err = b.Walk(ctx, buyer.Journey{Start: start, Item: *item, Fields: set, Answers: answers, Abandon: *abandon}, func(s buyer.Step) {
		n++
		printStep(stdout, n, s, *jsonOut)
	})
	if err != nil {
		fmt.Fprintf(stderr, "cbsim buy: %v\n", err)
		return 1
	}
	return 0
}

// fetchCA reads cbsim serve's CA certificate.
func fetchCA(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<10))
}

// stepRecord is a step of `cbsim buy --json`.
type stepRecord struct {
	N      int      `json:"n"`
	Did    string   `json:"did"`
	Status int      `json:"status"`
	URL    string   `json:"url"`
	Via    []string `json:"via,omitempty"`
	Title  string   `json:"title,omitempty"`
}

func printStep(w io.Writer, n int, s buyer.Step, asJSON bool) {
	r := stepRecord{N: n, Did: s.Did, Status: s.Page.Status, URL: s.Page.URL.Redacted(), Title: s.Page.Title()}
	for _, u := range s.Page.Via {
		r.Via = append(r.Via, u.Redacted())
	}
	if asJSON {
		b, _ := json.Marshal(r)
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "%d. %-8s %s %s", n, r.Did, strconv.Itoa(r.Status), r.URL)
	if r.Title != "" {
		fmt.Fprintf(w, "  %q", r.Title)
	}
	fmt.Fprintln(w)
	for _, v := range r.Via {
		fmt.Fprintf(w, "   via %s\n", v)
	}
}
