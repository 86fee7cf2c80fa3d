package money

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func mustRate(t *testing.T, s string) Rate {
	t.Helper()
	r, err := ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"1", "1"},
		{"1.0834", "1.0834"},
		{"1.083400", "1.0834"},
		{"0.0067", "0.0067"},
		{"0.000000001", "0.000000001"},
		{"1.27", "1.27"},
		{"123.456789012", "123.456789012"},
	}
	for _, tt := range tests {
		r, err := ParseRate(tt.in)
		if err != nil || r.String() != tt.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %s", tt.in, r, err, tt.want)
		}
	}
}

func TestParseRateErrors(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{"", "positive decimal"},
		{"0", "greater than 0"},
		{"0.000", "greater than 0"},
		{"-1.08", "positive decimal"},
		{"1e3", "positive decimal"},
		{"1,08", "positive decimal"},
		{"0.0000000001", "up to 9 decimals"},
		{"9223372037", "too large"},
	}
	for _, tt := range tests {
		r, err := ParseRate(tt.in)
		if err == nil {
			t.Errorf("ParseRate(%q) = %v, nil; want an error", tt.in, r)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseRate(%q) error %q; want it to say %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestToUSD(t *testing.T) {
	rates := Rates{
		"EUR": mustRate(t, "1.0834"),
		"GBP": mustRate(t, "1.2650"),
		"JPY": mustRate(t, "0.0067"),
	}
	tests := []struct {
		name     string
		amount   Cents
		currency string
		want     Cents
	}{
		{"USD is identity", 4575, "USD", 4575},
		{"USD without an entry", 1, "USD", 1},
		{"EUR 100.00", 10000, "EUR", 10834},
		{"EUR 47.00 rounds half up", 4700, "EUR", 5092}, // 5091.98 → 5092
		{"EUR 0.50 rounds half up", 50, "EUR", 54},      // 54.17 → 54
		{"GBP 47.00", 4700, "GBP", 5946},                // 5945.5 → 5946
		{"GBP 0.02", 2, "GBP", 3},                       // 2.53 → 3
		{"GBP negative rounds away from zero", -4700, "GBP", -5946},
		{"JPY 5000 yen (500000 hundredths)", 500000, "JPY", 3350}, // ¥5000 × 0.0067 = $33.50
		{"JPY 75 yen", 7500, "JPY", 50},                           // 50.25 → 50
		{"zero", 0, "EUR", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rates.ToUSD(tt.amount, tt.currency)
			if err != nil || got != tt.want {
				t.Errorf("ToUSD(%s, %s) = %s, %v; want %s", tt.amount, tt.currency, got, err, tt.want)
			}
		})
	}
}

func TestFromUSD(t *testing.T) {
	rates := Rates{"EUR": mustRate(t, "1.0834"), "GBP": mustRate(t, "1.265")}
	tests := []struct {
		usd      Cents
		currency string
		want     Cents
	}{
		{9700, "USD", 9700},
		{9700, "EUR", 8953},   // 9700 / 1.0834 = 8953.29
		{10834, "EUR", 10000}, // exact
		{2700, "GBP", 2134},   // 2134.39
		{-2700, "GBP", -2134},
		{5, "EUR", 5},       // 4.615 → 5
		{13, "GBP", 10},     // 10.28
		{2530, "GBP", 2000}, // exact

		{0, "EUR", 0},
	}
	for _, tt := range tests {
		got, err := rates.FromUSD(tt.usd, tt.currency)
		if err != nil || got != tt.want {
			t.Errorf("FromUSD(%s, %s) = %s, %v; want %s", tt.usd, tt.currency, got, err, tt.want)
		}
	}
	half := Rates{"XHF": mustRate(t, "2")} // one unit is 2 USD: 1 US cent is exactly half a hundredth
	if got, err := half.FromUSD(1, "XHF"); err != nil || got != 1 {
		t.Errorf("FromUSD(0.01, XHF) = %s, %v; want 0.01 (half up)", got, err)
	}
	if got, err := half.FromUSD(-1, "XHF"); err != nil || got != -1 {
		t.Errorf("FromUSD(-0.01, XHF) = %s, %v; want -0.01 (half away from zero)", got, err)
	}
	tiny := Rates{"XTN": mustRate(t, "0.000000001")}
	if _, err := tiny.FromUSD(math.MaxInt64, "XTN"); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("FromUSD overflow: %v", err)
	}
	if _, err := rates.FromUSD(100, "JPY"); err == nil || !strings.Contains(err.Error(), "no exchange rate for currency JPY") {
		t.Errorf("FromUSD to an unknown currency: %v", err)
	}
}

func TestToUSDErrors(t *testing.T) {
	rates := Rates{"EUR": mustRate(t, "1.0834"), "GBP": mustRate(t, "1.265"), "XAU": mustRate(t, "2000")}
	tests := []struct {
		name     string
		rates    Rates
		amount   Cents
		currency string
		wantErr  string
	}{
		{"unknown currency lists the known ones", rates, 100, "CHF", "no exchange rate for currency CHF: known are EUR, GBP, USD, XAU"},
		{"nil rates", nil, 100, "EUR", "known are USD"},
		{"lower case code", rates, 100, "eur", `invalid currency code "eur"`},
		{"long code", rates, 100, "EURO", `invalid currency code "EURO"`},
		{"empty code", rates, 100, "", `invalid currency code ""`},
		{"zero rate", Rates{"EUR": {}}, 100, "EUR", "must be greater than 0"},
		{"overflow", rates, math.MaxInt64, "XAU", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rates.ToUSD(tt.amount, tt.currency)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ToUSD(%s, %q) = %s, %v; want an error saying %q", tt.amount, tt.currency, got, err, tt.wantErr)
			}
		})
	}
}

func TestRatesValidate(t *testing.T) {
	tests := []struct {
		name    string
		rates   Rates
		wantErr string
	}{
		{"ok", Rates{"EUR": mustRate(t, "1.08")}, ""},
		{"empty", Rates{}, ""},
		{"bad code", Rates{"Eur": mustRate(t, "1.08")}, `invalid currency code "Eur"`},
		{"zero rate", Rates{"EUR": {}}, "exchange rate for EUR"},
	}
	for _, tt := range tests {
		err := tt.rates.Validate()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: Validate() = %v; want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestRatesJSON(t *testing.T) {
	var got Rates
	if err := json.Unmarshal([]byte(`{"EUR": "1.0834", "GBP": 1.265, "JPY": 0.0067}`), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"EUR": "1.0834", "GBP": "1.265", "JPY": "0.0067"}
	for code, s := range want {
		if got[code].String() != s {
			t.Errorf("%s = %s; want %s", code, got[code], s)
		}
	}
	out, err := json.Marshal(got)
	if err != nil || string(out) != `{"EUR":"1.0834","GBP":"1.265","JPY":"0.0067"}` {
		t.Errorf("json.Marshal = %s, %v", out, err)
	}
	for _, bad := range []string{`{"EUR": 1e3}`, `{"EUR": -1}`, `{"EUR": "x"}`, `{"EUR": 0}`} {
		var r Rates
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("json.Unmarshal(%s) = nil error; want one", bad)
		}
	}
}

// TestToUSDSmallestCents: a result of exactly math.MinInt64 cents fits in
// Cents and is returned, not refused as too large. Found by FuzzParseRate.
func TestToUSDSmallestCents(t *testing.T) {
	one, err := ParseRate("1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Rates{"EUR": one}.ToUSD(math.MinInt64, "EUR")
	if err != nil || got != math.MinInt64 {
		t.Fatalf("ToUSD(MinInt64, rate 1) = %d, %v; want %d", got, err, Cents(math.MinInt64))
	}
}
