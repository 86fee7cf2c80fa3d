package simulator

import (
	"strings"

	"github.com/cbsim/cbsim/simulator/money"
	"testing"
	"testing/fstest"
)

func TestLoadCatalogErrorsSayWhere(t *testing.T) {
	good := `{"vendors":[{"nickname":"ven01"}],` + "\n"
	cases := []struct {
		name, data, want string
	}{
		{"bad nickname", `{"vendors":[` + "\n" + `{"nickname":"v!"}]}`, "cat.json:2: vendors[0].nickname: nickname \"v!\""},
		{"unknown vendor", good + `"products":[{"item":"A","vendor":"nope","title":"t","price":"10"}]}`, "cat.json:2: products[0].vendor: unknown vendor \"nope\""},
		{"cheap price", good + `"products":[{"item":"A","vendor":"ven01","title":"t",` + "\n" + `"price":"1.50"}]}`, "cat.json:3: products[0].price: price 1.50 is not allowed"},
		{"bad price", good + `"products":[{"item":"A","vendor":"ven01","title":"t","price":"ten"}]}`, "products[0].price"},
		{"no rate", good + `"products":[{"item":"A","vendor":"ven01","title":"t","price":"10","currency":"EUR"}]}`, "currency \"EUR\" has no rate"},
		{"unknown field", good + `"colour":"red"}`, "cat.json:2: unknown field \"colour\""},
		{"bad rounding", good + `"rounding":"cents"}`, "cat.json:2: rounding: unknown rounding \"cents\" (allowed: net, fee)"},
		{"funnel item of another vendor", `{"vendors":[{"nickname":"ven01"},{"nickname":"ven02"}],"products":[{"item":"A","vendor":"ven02","title":"t","price":"10"}],` + "\n" + `"funnels":[{"name":"f","vendor":"ven01","front":"A"}]}`, "cat.json:2: funnels[0].front: item \"A\" belongs to vendor \"ven02\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadCatalog(fstest.MapFS{"cat.json": {Data: []byte(tc.data)}}, "cat.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestDefaultsExist: the defaults of defaults.go name accounts, products
// and funnels of the embedded catalog.
func TestDefaultsExist(t *testing.T) {
	c, _ := defaults(t)
	_, vendor := c.Vendors[DefaultVendor]
	_, affiliate := c.Affiliates[DefaultAffiliate]
	_, item := c.Products[DefaultItem]
	_, funnel := c.Funnels[DefaultFunnel]
	if !vendor || !affiliate || !item || !funnel {
		t.Fatalf("the embedded catalog lacks a default: vendor %v, affiliate %v, item %v, funnel %v", vendor, affiliate, item, funnel)
	}
}

func TestCheckProduct(t *testing.T) {
	c, _ := defaults(t)
	ok := c.Products[DefaultItem]
	if err := c.CheckProduct(ok); err != nil {
		t.Fatalf("the default product: %v", err)
	}
	for _, tc := range []struct {
		change func(*Product)
		param  string
	}{
		{func(p *Product) { p.Item = "A B" }, "item"},
		{func(p *Product) { p.Vendor = "v!" }, "vendor"},
		{func(p *Product) { p.Title = "" }, "title"},
		{func(p *Product) { p.Title = strings.Repeat("t", 71) }, "title"},
		{func(p *Product) { p.Price = 299 }, "price"},
		{func(p *Product) { p.Price = -300 }, "price"},
		{func(p *Product) { p.Currency = "XYZ" }, "currency"},
	} {
		p := ok
		tc.change(&p)
		err := c.CheckProduct(p)
		pe, isParam := err.(*ParamError)
		if !isParam || pe.Param != tc.param {
			t.Errorf("CheckProduct(%+v) = %v; want a *ParamError on %s", p, err, tc.param)
		}
	}
	free := ok
	free.Price = 0
	if err := c.CheckProduct(free); err != nil {
		t.Errorf("a free product: %v", err)
	}
}

func TestLoadCatalogRounding(t *testing.T) {
	for data, want := range map[string]money.Rounding{`{}`: money.RoundNet, `{"rounding":"net"}`: money.RoundNet, `{"rounding":"fee"}`: money.RoundFee} {
		c, err := ParseCatalog("cat.json", []byte(data))
		if err != nil || c.Rounding != want {
			t.Errorf("%s: rounding %v, %v; want %v", data, c.Rounding, err, want)
		}
	}
}

// TestParseCatalogRefusesBadRateCode: a rate's key must be a currency code;
// "eur" used to load, and a product priced in "eur" then failed at every
// fire ("invalid currency code") instead of at load. Found by
// FuzzParseCatalog.
func TestParseCatalogRefusesBadRateCode(t *testing.T) {
	for _, code := range []string{"eur", "", "EURO", "E1R"} {
		data := `{"rates":{"` + code + `":"1.08"}}`
		_, err := ParseCatalog("cat.json", []byte(data))
		if err == nil || !strings.Contains(err.Error(), "cat.json:1: rates."+code+": invalid currency code") {
			t.Errorf("ParseCatalog(%s) = %v; want an invalid currency code error at rates.%s", data, err, code)
		}
	}
}
