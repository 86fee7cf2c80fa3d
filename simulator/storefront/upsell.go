package storefront

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// upsellData is what an upsell page shows.
type upsellData struct {
	page
	Action  string
	Token   string
	Step    int
	Of      int
	Item    string
	Product string
	Price   string
}

// upsellPage shows offer n of an order's upsell flow (on the vendor's
// site, as ClickBank's upsell pages are the vendor's pitch pages), with
// an accept and a decline form. A page other than the pending offer's
// sends the buyer to the pending one; with none pending, to the thank-you
// page.
func (s *Store) upsellPage(w http.ResponseWriter, r *http.Request, ven string, n int) {
	o := s.purchasedOrder(w, r, ven)
	if o == nil {
		return
	}
	defer o.mu.Unlock()
	step, i, ok := o.k.Offer()
	if !ok || n != i+1 {
		s.redirect(w, r, o.nextURL())
		return
	}
	p := s.sim.Catalog.Products[step.Item]
	v := s.sim.Catalog.Vendors[o.vendor]
	d := upsellData{page: page{Title: "Special offer: " + p.Title, Site: v.Name + " (vendor " + o.vendor + ")"},
		Action: "/pay/" + o.vendor, Token: o.token, Step: n, Of: len(o.k.Funnel().Upsells), Item: p.Item, Product: p.Title, Price: price(p.Price, p.Currency)}
	s.render(w, r, http.StatusOK, "upsell", d)
}

// answer takes an upsell form's POST to the pay link: cbur=a accepts the
// offer (an Upsell Purchase), cbur=d declines it. ClickBank's upsell
// pages link to the pay link with cbitems=ITEM&cbur=a to accept and
// cbur=d to decline (seen on vendors' pages, e.g.
// "https://VENDOR.pay.clickbank.net/?cbitems=ITEM&cbur=a" [likely]); the
// store takes them as POST forms so that no link fetch buys anything
// [choice]. A form of an offer already answered (step) changes nothing
// and sends the buyer on.
func (s *Store) answer(w http.ResponseWriter, r *http.Request, ven string) {
	f := r.Form // the body's fields, then the query's: ClickBank's own answer links carry cbur in the query
	o, err := s.orderOf(f.Get("cbsess"), ven)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var accept bool
	switch cbur := f.Get("cbur"); cbur {
	case "a":
		accept = true
	case "d":
	default:
		s.writeError(w, r, fail(http.StatusBadRequest, "cbur", "cbur %q must be a (accept the offer) or d (decline it)", cbur))
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.k.Purchased() {
		s.writeError(w, r, fail(http.StatusConflict, "cbsess", "order %s is not purchased yet: submit the order form first", o.token))
		return
	}
	step, i, ok := o.k.Offer()
	n, err := strconv.Atoi(f.Get("step"))
	if err != nil {
		s.writeError(w, r, fail(http.StatusBadRequest, "step", "step %q must be the number of the upsell page answered", f.Get("step")))
		return
	}
	if !ok || n != i+1 {
		s.redirect(w, r, o.nextURL())
		return
	}
	if item := f.Get("cbitems"); !strings.EqualFold(item, step.Item) {
		s.writeError(w, r, fail(http.StatusBadRequest, "cbitems", "upsell %d of order %s offers %s, the form sent cbitems %q", n, o.token, step.Item, item))
		return
	}
	ev, fired, err := o.k.Answer(s.now(), accept)
	if err != nil {
		s.writeError(w, r, fromSim(err))
		return
	}
	if fired {
		o.purchases = append(o.purchases, ev)
		s.log.Info("storefront upsell", "order", o.token, "receipt", ev.Receipt, "path", ev.UpsellPath)
		s.deliver(r, ev)
	}
	s.redirect(w, r, o.nextURL())
}

// receiptLine is one purchase on the thank-you page.
type receiptLine struct {
	Type    string
	Receipt string
	Item    string
	Title   string
	Amount  string
}

// thanksData is what the thank-you page shows.
type thanksData struct {
	page
	OrderID   string
	Affiliate string
	Test      bool
	Receipts  []receiptLine
	Vars      []string // vendor variables, "name=value"
}

// purchasedOrder returns the order of r's cbsess at vendor ven, locked,
// once it is purchased; else it writes the error page and returns nil.
func (s *Store) purchasedOrder(w http.ResponseWriter, r *http.Request, ven string) *order {
	o, err := s.orderOf(r.URL.Query().Get("cbsess"), ven)
	if err != nil {
		s.writeError(w, r, err)
		return nil
	}
	o.mu.Lock()
	if !o.k.Purchased() {
		o.mu.Unlock()
		s.writeError(w, r, fail(http.StatusConflict, "cbsess", "order %s is not purchased yet: submit the order form first", o.token))
		return nil
	}
	return o
}

// thanksPage lists the receipts of a finished order, as ClickBank's
// confirmation page lists the purchases of an upsell flow
// (http://www.clickbank.com/help/vendor-help/vendor-tools/one-click-upsell/ [doc]).
func (s *Store) thanksPage(w http.ResponseWriter, r *http.Request, ven string) {
	o := s.purchasedOrder(w, r, ven)
	if o == nil {
		return
	}
	defer o.mu.Unlock()
	if _, _, pending := o.k.Offer(); pending {
		s.redirect(w, r, o.nextURL())
		return
	}
	v := s.sim.Catalog.Vendors[o.vendor]
	d := thanksData{page: page{Title: "Thank you for your order", Site: v.Name + " (vendor " + o.vendor + ")"}, Affiliate: o.affiliate, Test: o.test}
	for _, ev := range o.purchases {
		d.OrderID = ev.OrderID
		d.Receipts = append(d.Receipts, receiptLine{Type: string(ev.Type), Receipt: ev.Receipt, Item: ev.Item, Title: ev.Title, Amount: price(ev.Amount, ev.Currency)})
	}
	for _, k := range slices.Sorted(maps.Keys(o.vars)) {
		for _, val := range o.vars[k] {
			d.Vars = append(d.Vars, fmt.Sprintf("%s=%s", k, val))
		}
	}
	s.render(w, r, http.StatusOK, "thanks", d)
}
