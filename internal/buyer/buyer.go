// Package buyer is a simulated buyer's web client: an HTTP client with a
// cookie jar that follows redirects, reads each HTML page's links and forms,
// and clicks and submits them as a browser would — nothing but URLs and
// forms. It walks cbsim serve's ClickBank side (hoplink, sales page, order
// form, upsells) from a tracker's click, directly or through cbsim as the
// proxy for ClickBank's own host names.
package buyer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator/storefront"
)

// MaxPage is the most of a page's body the buyer reads.
const MaxPage = 4 << 20

// Buyer is one visitor: one cookie jar, one user agent.
type Buyer struct {
	Client    *http.Client
	UserAgent string // sent on every request; "" = Go's
	Header    http.Header
}

// Options configures New.
type Options struct {
	// Proxy is the proxy for ClickBank's host names (clickbank.net and its
	// subdomains): cbsim serve's URL. nil = none; other hosts always go
	// direct.
	Proxy *url.URL
	// RootCAs are trusted for HTTPS, e.g. cbsim serve's CA (GET /ca.pem);
	// nil = the system's.
	RootCAs   *x509.CertPool
	UserAgent string
	Timeout   time.Duration // per request; 0 = 30s
}

// New returns a buyer with an empty cookie jar.
func New(opts Options) *Buyer {
	jar, _ := cookiejar.New(nil) // never fails without options
	tr := &http.Transport{
		Proxy: func(r *http.Request) (*url.URL, error) {
			if opts.Proxy != nil && storefront.IsClickBankHost(r.URL.Hostname()) {
				return opts.Proxy, nil
			}
			return nil, nil
		},
		TLSClientConfig:     &tls.Config{RootCAs: opts.RootCAs},
		MaxIdleConnsPerHost: 4,
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	return &Buyer{Client: &http.Client{Jar: jar, Transport: tr, Timeout: timeout}, UserAgent: opts.UserAgent}
}

// ParseCA reads a PEM certificate (cbsim serve's GET /ca.pem) into a pool.
func ParseCA(pem []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no PEM certificate in the CA")
	}
	return pool, nil
}

// Get visits u and follows its redirects.
func (b *Buyer) Get(ctx context.Context, u string) (*Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("visit %s: %w", u, err)
	}
	return b.do(req)
}

// Follow clicks the link id on p.
func (b *Buyer) Follow(ctx context.Context, p *Page, id string) (*Page, error) {
	u, err := p.Link(id)
	if err != nil {
		return nil, err
	}
	return b.Get(ctx, u.String())
}

// Submit submits the form id on p (or the form of the submit button id,
// pressing it), its fields as they stand with set's values put in their
// place; a name set gives that the form lacks is an error, as a browser
// could not send it.
func (b *Buyer) Submit(ctx context.Context, p *Page, id string, set map[string]string) (*Page, error) {
	f, err := p.Form(id)
	if err != nil {
		return nil, err
	}
	vals := url.Values{}
	for k, v := range f.Fields {
		vals[k] = slices.Clone(v)
	}
	for k, v := range set {
		if _, ok := vals[k]; !ok {
			return nil, fmt.Errorf("form %q on %s has no field %q (fields: %s)", f.ID, p.URL, k, strings.Join(slices.Sorted(maps.Keys(vals)), ", "))
		}
		vals.Set(k, v)
	}
	if btn, ok := f.Buttons[id]; ok && btn[0] != "" {
		vals.Set(btn[0], btn[1])
	}
	var req *http.Request
	if f.Method == http.MethodPost {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, f.Action.String(), strings.NewReader(vals.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", f.Action.Scheme+"://"+f.Action.Host)
		}
	} else {
		u := *f.Action
		u.RawQuery = vals.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("submit %q on %s: %w", id, p.URL, err)
	}
	req.Header.Set("Referer", p.URL.String())
	return b.do(req)
}

// do sends req, follows redirects, and reads the page it ends on.
func (b *Buyer) do(req *http.Request) (*Page, error) {
	if b.UserAgent != "" {
		req.Header.Set("User-Agent", b.UserAgent)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
	for k, v := range b.Header {
		req.Header[k] = v
	}
	var via []*url.URL
	c := *b.Client
	c.CheckRedirect = func(r *http.Request, prior []*http.Request) error {
		if len(prior) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		via = append(via, prior[len(prior)-1].URL)
		if b.UserAgent != "" {
			r.Header.Set("User-Agent", b.UserAgent)
		}
		return nil
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxPage))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", resp.Request.URL.Redacted(), err)
	}
	p := &Page{URL: resp.Request.URL, Status: resp.StatusCode, Body: body, Via: via}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
		if err := p.parse(); err != nil {
			return nil, err
		}
	}
	return p, nil
}
