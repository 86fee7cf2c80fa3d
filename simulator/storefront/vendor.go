package storefront

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cbsim/cbsim/simulator"
)

// salesProduct is one buy link of a sales page.
type salesProduct struct {
	Item, Title, Price string
	Href               string // the pay link
}

// salesPage serves the vendor's sales page (cbpage name; "" = the default
// page): the front products of the vendor's funnels, each with a buy link
// to the pay link. It passes vtid and the parameters ClickBank does not
// read (vendor variables) from its own query to the pay link, as a
// vendor's page passes them on (docs/clickbank.md §3) [choice].
func (s *Store) salesPage(w http.ResponseWriter, r *http.Request, ven, name string) {
	ven = strings.ToLower(ven)
	c := s.sim.Catalog
	v, ok := c.Vendors[ven]
	if !ok {
		s.writeError(w, r, fail(http.StatusNotFound, "vendor", "unknown vendor %q (known: %s)", ven, strings.Join(slices.Sorted(maps.Keys(c.Vendors)), ", ")))
		return
	}
	if err := checkPageName(name); err != nil {
		s.writeError(w, r, fail(http.StatusNotFound, "cbpage", "%v", err))
		return
	}
	q := r.URL.Query()
	pass := url.Values{}
	for k, vs := range q {
		if !slices.Contains(hopParams, k) && !s.tracking[k] {
			pass[k] = vs
		}
	}
	data := salesData{page: page{Title: v.Name, Site: v.Name + " (vendor " + ven + ")"}, Page: name, HopID: q.Get("hopId"), Affiliate: q.Get("affiliate")}
	seen := map[string]bool{}
	for _, fname := range c.FunnelNames() {
		f := c.Funnels[fname]
		if f.Vendor != ven || seen[f.Front] {
			continue
		}
		seen[f.Front] = true
		p, ok := c.Products[f.Front]
		if !ok {
			continue
		}
		link := url.Values{}
		for k, vs := range pass {
			link[k] = vs
		}
		link.Set("cbitems", p.Item)
		data.Products = append(data.Products, salesProduct{Item: p.Item, Title: p.Title, Price: price(p.Price, p.Currency),
			Href: "/pay/" + url.PathEscape(ven) + "?" + link.Encode()})
	}
	s.render(w, r, http.StatusOK, "sales", data)
}

// salesData is what the sales page shows.
type salesData struct {
	page
	Page      string // cbpage
	HopID     string
	Affiliate string
	Products  []salesProduct
}

// vendorOf returns the vendor named ven (any case), or a 404 naming the
// known ones.
func (s *Store) vendorOf(ven string) (simulator.Vendor, error) {
	ven = strings.ToLower(ven)
	v, ok := s.sim.Catalog.Vendors[ven]
	if !ok {
		return v, fail(http.StatusNotFound, "vendor", "unknown vendor %q (known: %s)", ven, strings.Join(slices.Sorted(maps.Keys(s.sim.Catalog.Vendors)), ", "))
	}
	return v, nil
}
