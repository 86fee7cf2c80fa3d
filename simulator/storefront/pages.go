package storefront

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
)

// page is what every page shows around its content.
type page struct {
	Title string
	Site  string // whose site it is: a vendor's, ClickBank's order form
}

// pageError is a request the store refuses: its status, the parameter at
// fault ("" = none) and why.
type pageError struct {
	status int
	param  string
	msg    string
}

func (e *pageError) Error() string {
	if e.param == "" {
		return e.msg
	}
	return e.param + ": " + e.msg
}

// fail returns a *pageError.
func fail(status int, param, format string, args ...any) *pageError {
	return &pageError{status: status, param: param, msg: fmt.Sprintf(format, args...)}
}

// errorData is what an error page shows.
type errorData struct {
	page
	Status  int
	Param   string
	Message string
}

// writeError writes err as an HTML page with its status; an error that is
// not a *pageError is a 500.
func (s *Store) writeError(w http.ResponseWriter, r *http.Request, err error) {
	pe, ok := errors.AsType[*pageError](err)
	if !ok {
		pe = fail(http.StatusInternalServerError, "", "%v", err)
	}
	s.log.Info("storefront refused", "method", r.Method, "host", r.Host, "path", r.URL.Path, "status", pe.status, "param", pe.param, "error", pe.msg)
	title := fmt.Sprintf("%d %s", pe.status, http.StatusText(pe.status))
	s.render(w, r, pe.status, "error", errorData{page: page{Title: title, Site: "cbsim storefront"}, Status: pe.status, Param: pe.param, Message: pe.msg})
}

// render writes the page named name with status. Pages are never cached:
// each shows one moment of an order.
func (s *Store) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("storefront page", "page", name, "error", err)
		http.Error(w, "page "+name+" could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// pages are the store's templates: plain HTML, no script.
var pages = template.Must(template.New("pages").Parse(`
{{define "top"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · cbsim</title>
<style>
body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
label{display:block;margin:.5rem 0}input{font:inherit;padding:.2rem}button{font:inherit;padding:.4rem 1rem}
.error{color:#900;border:1px solid #900;padding:.5rem}.hint{color:#555;font-size:.9em}
footer{margin-top:3rem;color:#777;font-size:.8em}
</style>
</head>
<body>
<header><p class="hint" id="site">{{.Site}}</p><h1>{{.Title}}</h1></header>
<main>
{{end}}

{{define "bottom"}}</main>
<footer>cbsim storefront: a simulated ClickBank. No payment is taken.</footer>
</body>
</html>
{{end}}

{{define "error"}}{{template "top" .}}<p id="error" class="error" data-status="{{.Status}}" data-param="{{.Param}}">{{if .Param}}<strong>{{.Param}}</strong>: {{end}}{{.Message}}</p>
{{template "bottom" .}}{{end}}

{{define "sales"}}{{template "top" .}}{{if .HopID}}<p id="hop" class="hint" data-hop="{{.HopID}}" data-affiliate="{{.Affiliate}}">You came through hop {{.HopID}} of affiliate {{.Affiliate}}.</p>
{{end}}{{if .Page}}<p id="cbpage" class="hint">Landing page: {{.Page}}</p>
{{end}}<ul id="products">
{{range .Products}}<li><a id="buy-{{.Item}}" href="{{.Href}}">Buy {{.Title}}: {{.Price}}</a></li>
{{else}}<li>This vendor sells nothing through a funnel yet.</li>
{{end}}</ul>
{{template "bottom" .}}{{end}}

{{define "orderform"}}{{template "top" .}}<p id="product" data-item="{{.Item}}">{{.Product}}: <span id="price">{{.Price}}</span></p>
<p id="attribution" class="hint">{{if .Affiliate}}Referred by affiliate {{.Affiliate}} (hop {{.HopID}}).{{else}}No affiliate: a direct sale.{{end}}</p>
{{if .Error}}<p id="error" class="error" data-status="400" data-param="{{.ErrorParam}}"><strong>{{.ErrorParam}}</strong>: {{.Error}}</p>
{{end}}<form id="order-form" method="post" action="{{.Action}}">
<input type="hidden" name="cbitems" value="{{.Item}}">
<input type="hidden" name="cbsess" value="{{.Token}}">
<label for="name">Name <input id="name" name="name" value="{{.Form.Name}}" autocomplete="name" required></label>
<label for="email">Email <input id="email" name="email" type="email" value="{{.Form.Email}}" autocomplete="email" required></label>
<label for="card_number">Card number <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required></label>
<p class="hint" id="test-card-hint">Test card: <code id="test-card">{{.TestCard}}</code>, any future expiry, any CVV. A test order fires the vendor's postbacks only.</p>
<label for="expiry">Expiry (MM/YY) <input id="expiry" name="expiry" value="{{.Form.Expiry}}" placeholder="12/30" autocomplete="cc-exp" required></label>
<label for="cvv">CVV <input id="cvv" name="cvv" inputmode="numeric" autocomplete="cc-csc" required></label>
<label for="country">Country <input id="country" name="country" value="{{.Form.Country}}" maxlength="2" autocomplete="country" required></label>
<label for="state">State <input id="state" name="state" value="{{.Form.State}}" autocomplete="address-level1"></label>
<label for="zip">Postal code <input id="zip" name="zip" value="{{.Form.Zip}}" autocomplete="postal-code" required></label>
<button type="submit" id="pay">Pay now</button>
</form>
{{template "bottom" .}}{{end}}

{{define "upsell"}}{{template "top" .}}<p id="offer" data-item="{{.Item}}" data-step="{{.Step}}">Offer {{.Step}} of {{.Of}}: {{.Product}} for <span id="price">{{.Price}}</span>, charged to the card of your order.</p>
<form id="accept" method="post" action="{{.Action}}">
<input type="hidden" name="cbitems" value="{{.Item}}"><input type="hidden" name="cbur" value="a">
<input type="hidden" name="cbsess" value="{{.Token}}"><input type="hidden" name="step" value="{{.Step}}">
<button type="submit" id="accept-button">Yes, add to my order</button>
</form>
<form id="decline" method="post" action="{{.Action}}">
<input type="hidden" name="cbitems" value="{{.Item}}"><input type="hidden" name="cbur" value="d">
<input type="hidden" name="cbsess" value="{{.Token}}"><input type="hidden" name="step" value="{{.Step}}">
<button type="submit" id="decline-button">No thanks</button>
</form>
{{template "bottom" .}}{{end}}

{{define "thanks"}}{{template "top" .}}<p id="order-id" data-order="{{.OrderID}}">Order {{.OrderID}}{{if .Affiliate}}, referred by affiliate {{.Affiliate}}{{end}}.</p>
{{if .Test}}<p id="test-order" class="hint">A test order: no affiliate postbacks were fired.</p>
{{end}}<ul id="receipts">
{{range .Receipts}}<li id="receipt-{{.Receipt}}" data-receipt="{{.Receipt}}" data-item="{{.Item}}" data-type="{{.Type}}">{{.Title}} ({{.Item}}): {{.Amount}}, receipt <code>{{.Receipt}}</code></li>
{{end}}</ul>
{{if .Vars}}<ul id="vendor-vars">{{range .Vars}}<li>{{.}}</li>{{end}}</ul>
{{end}}{{template "bottom" .}}{{end}}
`))
