package simulator

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"slices"

	"github.com/cbsim/cbsim/internal/jsonpos"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// Vendor is a ClickBank vendor account.
type Vendor struct {
	Nickname   string        // 5-10 letters/digits, lower case
	Name       string        // display name
	Commission money.Percent // the account's default commission rate
}

// Affiliate is a ClickBank affiliate account.
type Affiliate struct {
	Nickname   string
	Name       string
	Commission money.Percent // an override of every product's rate; 0 = none
}

// Product is one item a vendor sells.
type Product struct {
	Item       string        // item number (SKU)
	Vendor     string        // the vendor's nickname
	Title      string        // at most 70 characters
	Price      money.Cents   // in Currency; 0 or at least 3.00
	Currency   string        // what the customer pays in (ISO 4217)
	Commission money.Percent // the affiliate's share of the net
	// Recurring makes the product a monthly subscription that rebills at
	// its price (fixture field "recurring"): its INS line items carry a
	// paymentPlan and Simulator.Rebill may charge it again.
	Recurring bool
}

// UpsellStep is one offer of a funnel's upsell chain.
type UpsellStep struct {
	Item   string // the product offered
	Accept bool   // whether the buyer takes it unless a journey says otherwise
}

// Funnel is a front-end product followed by an upsell chain.
type Funnel struct {
	Name    string
	Vendor  string
	Front   string // item number of the front-end product
	Upsells []UpsellStep
	// UpsellFlowID is the id of the funnel's upsell flow in INS
	// (upsellFlowId, docs/clickbank.md §6.2; fixture field
	// "upsell_flow_id"); 0 = derived from Vendor and Name (FlowID).
	UpsellFlowID int
}

// maxFlowID is the largest upsell flow id: a Java int, as ClickBank's
// integers are [choice].
const maxFlowID = 1<<31 - 1

// FlowID returns the funnel's upsell flow id: UpsellFlowID, or else five
// digits (10000 to 99999) derived from the vendor and the funnel's name,
// so that the same funnel always has the same id. The one real flow id
// seen has five digits (docs/clickbank.md §6.2) [choice].
func (f Funnel) FlowID() int {
	if f.UpsellFlowID != 0 {
		return f.UpsellFlowID
	}
	h := fnv.New32a()
	h.Write([]byte(f.Vendor + "/" + f.Name))
	return 10000 + int(h.Sum32()%90000)
}

// Catalog holds every vendor, affiliate, product and funnel the simulator
// knows, plus the currency rates used to convert sales to USD.
type Catalog struct {
	Vendors    map[string]Vendor
	Affiliates map[string]Affiliate
	Products   map[string]Product // by item number
	Funnels    map[string]Funnel
	Rates      money.Rates
	// Rounding is which amount ClickBank rounds to the cent: the net (the
	// default) or its fee. Fixture field "rounding": "net" or "fee"
	// (docs/clickbank.md §5).
	Rounding money.Rounding
}

// NewCatalog returns an empty catalog ready to be filled.
func NewCatalog() *Catalog {
	return &Catalog{
		Vendors:    map[string]Vendor{},
		Affiliates: map[string]Affiliate{},
		Products:   map[string]Product{},
		Funnels:    map[string]Funnel{},
		Rates:      money.Rates{},
	}
}

// FunnelNames returns the funnels' names in order.
func (c *Catalog) FunnelNames() []string { return keys(c.Funnels) }

// CheckProduct checks the rules every product obeys (docs/clickbank.md §2,
// §5): an item number of letters, digits and dashes, a vendor nickname, a
// title of 1 to 70 characters, a price of 0.00 or at least 3.00, and a
// currency the catalog has a rate for. An error is a *ParamError naming the
// product's field (item, vendor, title, price, currency).
func (c *Catalog) CheckProduct(p Product) error {
	if err := ids.ValidateItem(p.Item); err != nil {
		return &ParamError{"item", err}
	}
	if _, err := ids.ValidateNickname(p.Vendor); err != nil {
		return &ParamError{"vendor", err}
	}
	if p.Title == "" || len(p.Title) > 70 {
		return &ParamError{"title", fmt.Errorf("title must be 1 to 70 characters, it is %d", len(p.Title))}
	}
	if p.Price < 0 || (p.Price != 0 && p.Price < 300) {
		return &ParamError{"price", fmt.Errorf("price %s is not allowed: a product costs 0.00 or at least 3.00", p.Price)}
	}
	if _, ok := c.Rates[p.Currency]; p.Currency != "USD" && !ok {
		return &ParamError{"currency", fmt.Errorf("currency %q has no rate in this catalog (known: USD %v)", p.Currency, keys(c.Rates))}
	}
	return nil
}

// accountFile is the JSON shape of a vendor or an affiliate.
type accountFile struct {
	Nickname   string `json:"nickname"`
	Name       string `json:"name"`
	Commission string `json:"commission"`
}

// catalogFile is the JSON shape of a catalog fixture.
type catalogFile struct {
	Vendors    []accountFile `json:"vendors"`
	Affiliates []accountFile `json:"affiliates"`
	Products   []struct {
		Item       string `json:"item"`
		Vendor     string `json:"vendor"`
		Title      string `json:"title"`
		Price      string `json:"price"`
		Currency   string `json:"currency"`
		Commission string `json:"commission"`
		Recurring  bool   `json:"recurring"`
	} `json:"products"`
	Funnels []struct {
		Name   string `json:"name"`
		Vendor string `json:"vendor"`
		Front  string `json:"front"`
		// FlowID is a pointer so that an explicit 0 is refused, not
		// taken for "derive one".
		FlowID  *int64 `json:"upsell_flow_id"`
		Upsells []struct {
			Item   string `json:"item"`
			Accept bool   `json:"accept"`
		} `json:"upsells"`
	} `json:"funnels"`
	Rates    map[string]string `json:"rates"`
	Rounding *string           `json:"rounding"`
}

// LoadCatalog reads catalog fixture files from fsys and merges them into one
// catalog. Every error names the file, the line and the JSON path.
func LoadCatalog(fsys fs.FS, names ...string) (*Catalog, error) {
	c := NewCatalog()
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load catalog: %w", err)
		}
		if err := c.add(name, data); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ParseCatalog parses one catalog file's content; file names it in errors.
func ParseCatalog(file string, data []byte) (*Catalog, error) {
	c := NewCatalog()
	if err := c.add(file, data); err != nil {
		return nil, err
	}
	return c, nil
}

// add merges a catalog file's content into c.
func (c *Catalog) add(file string, data []byte) error {
	var f catalogFile
	if err := jsonpos.DecodeStrict(file, data, &f); err != nil {
		return err
	}
	bad := func(err error, path ...any) error { return jsonpos.FieldError(file, data, err, path...) }

	if f.Rounding != nil {
		r, err := money.ParseRounding(*f.Rounding)
		if err != nil {
			return bad(err, "rounding")
		}
		c.Rounding = r
	}
	for _, code := range keys(f.Rates) {
		if !money.ValidCurrency(code) {
			return bad(fmt.Errorf("invalid currency code %q: want three upper-case letters, like EUR", code), "rates", code)
		}
		r, err := money.ParseRate(f.Rates[code])
		if err != nil {
			return bad(err, "rates", code)
		}
		c.Rates[code] = r
	}
	// account checks one vendor or affiliate entry and returns its
	// nickname and commission (def when the entry gives none).
	account := func(kind string, i int, a accountFile, taken func(string) bool, def money.Percent) (string, money.Percent, error) {
		list := kind + "s"
		nick, err := ids.ValidateNickname(a.Nickname)
		if err != nil {
			return "", 0, bad(err, list, i, "nickname")
		}
		if taken(nick) {
			return "", 0, bad(fmt.Errorf("%s %q is defined twice", kind, nick), list, i, "nickname")
		}
		if a.Commission == "" {
			return nick, def, nil
		}
		pct, err := money.ParsePercent(a.Commission)
		if err != nil {
			return "", 0, bad(err, list, i, "commission")
		}
		return nick, pct, nil
	}
	for i, v := range f.Vendors {
		nick, pct, err := account("vendor", i, v, func(n string) bool { _, ok := c.Vendors[n]; return ok }, money.DefaultCommission)
		if err != nil {
			return err
		}
		c.Vendors[nick] = Vendor{Nickname: nick, Name: v.Name, Commission: pct}
	}
	for i, a := range f.Affiliates {
		nick, pct, err := account("affiliate", i, a, func(n string) bool { _, ok := c.Affiliates[n]; return ok }, 0)
		if err != nil {
			return err
		}
		c.Affiliates[nick] = Affiliate{Nickname: nick, Name: a.Name, Commission: pct}
	}
	for i, p := range f.Products {
		if _, dup := c.Products[p.Item]; dup {
			return bad(fmt.Errorf("item %q is defined twice", p.Item), "products", i, "item")
		}
		vendor, ok := c.Vendors[p.Vendor]
		if !ok {
			return bad(&NotFoundError{Kind: "vendor", Name: p.Vendor, Known: keys(c.Vendors)}, "products", i, "vendor")
		}
		price, err := money.Parse(p.Price)
		if err != nil {
			return bad(err, "products", i, "price")
		}
		prod := Product{Item: p.Item, Vendor: vendor.Nickname, Title: p.Title, Price: price, Currency: p.Currency, Commission: vendor.Commission, Recurring: p.Recurring}
		if prod.Currency == "" {
			prod.Currency = "USD"
		}
		if p.Commission != "" {
			if prod.Commission, err = money.ParsePercent(p.Commission); err != nil {
				return bad(err, "products", i, "commission")
			}
		}
		if err := c.CheckProduct(prod); err != nil {
			var pe *ParamError
			errors.As(err, &pe)
			return bad(pe.Err, "products", i, pe.Param)
		}
		c.Products[p.Item] = prod
	}
	for i, fu := range f.Funnels {
		if fu.Name == "" {
			return bad(fmt.Errorf("a funnel needs a name"), "funnels", i, "name")
		}
		if _, dup := c.Funnels[fu.Name]; dup {
			return bad(fmt.Errorf("funnel %q is defined twice", fu.Name), "funnels", i, "name")
		}
		if _, ok := c.Vendors[fu.Vendor]; !ok {
			return bad(&NotFoundError{Kind: "vendor", Name: fu.Vendor, Known: keys(c.Vendors)}, "funnels", i, "vendor")
		}
		check := func(item string, path ...any) error {
			p, ok := c.Products[item]
			if !ok {
				return bad(&NotFoundError{Kind: "item", Name: item, Known: keys(c.Products)}, path...)
			}
			if p.Vendor != fu.Vendor {
				return bad(fmt.Errorf("item %q belongs to vendor %q, not to the funnel's vendor %q", item, p.Vendor, fu.Vendor), path...)
			}
			return nil
		}
		if err := check(fu.Front, "funnels", i, "front"); err != nil {
			return err
		}
		funnel := Funnel{Name: fu.Name, Vendor: fu.Vendor, Front: fu.Front}
		if fu.FlowID != nil {
			if id := *fu.FlowID; id < 1 || id > maxFlowID {
				return bad(fmt.Errorf("upsell flow id %d is not allowed: want a positive integer up to %d", id, maxFlowID), "funnels", i, "upsell_flow_id")
			}
			funnel.UpsellFlowID = int(*fu.FlowID)
		}
		for j, u := range fu.Upsells {
			if err := check(u.Item, "funnels", i, "upsells", j, "item"); err != nil {
				return err
			}
			funnel.Upsells = append(funnel.Upsells, UpsellStep{Item: u.Item, Accept: u.Accept})
		}
		c.Funnels[fu.Name] = funnel
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
