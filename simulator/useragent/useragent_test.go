package useragent

import "testing"

func TestParse(t *testing.T) {
	cases := []struct {
		name, ua, device, browser string
	}{
		{"empty", "", "", ""},
		{"blank", "   ", "", ""},
		{"chrome windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", Desktop, "Chrome"},
		{"edge windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87", Desktop, "Edge"},
		{"firefox linux", "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", Desktop, "Firefox"},
		{"safari mac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", Desktop, "Safari"},
		{"safari iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Mobile, "Safari"},
		{"chrome iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", Mobile, "Chrome"},
		{"firefox iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15", Mobile, "Firefox"},
		{"in-app iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS]", Mobile, "Safari"},
		{"ipad", "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Tablet, "Safari"},
		{"chrome android phone", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36", Mobile, "Chrome"},
		{"chrome android tablet", "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Safari/537.36", Tablet, "Chrome"},
		{"samsung phone", "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", Mobile, "Samsung Internet"},
		{"opera", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 OPR/111.0.0.0", Desktop, "Opera"},
		{"ie11", "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", Desktop, "Internet Explorer"},
		{"kindle", "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/126.2.1 like Chrome/126.0.6478.71 Safari/537.36", Tablet, "Chrome"},
		{"curl", "curl/8.9.1", Desktop, Other},
		{"go client", "Go-http-client/1.1", Desktop, Other},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, b := Parse(tc.ua)
			if d != tc.device || b != tc.browser {
				t.Errorf("Parse(%q) = %q, %q; want %q, %q", tc.ua, d, b, tc.device, tc.browser)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("Mozilla/5.0 (iPad) Safari/1")
	f.Add("")
	f.Fuzz(func(t *testing.T, ua string) {
		d, b := Parse(ua)
		if (d == "") != (b == "") {
			t.Fatalf("Parse(%q) = %q, %q: device and browser must be both known or both empty", ua, d, b)
		}
		switch d {
		case "", Desktop, Mobile, Tablet:
		default:
			t.Fatalf("Parse(%q) device %q", ua, d)
		}
	})
}
