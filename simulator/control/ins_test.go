package control

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ins"
)

// testINSSecret is the INS endpoints' secret key; the receiver quotes it
// in its reply, so an answer that shows a reply unmasked would show it.
const testINSSecret = "S3CRETKEY42"

// insReceiver is an INS URL that opens every notification with
// testINSSecret and keeps it; postbacks to it are only counted.
type insReceiver struct {
	*httptest.Server
	mu  sync.Mutex // guards got
	got []*ins.Notification
}

func newINSReceiver(t *testing.T) *insReceiver {
	t.Helper()
	rc := &insReceiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/ins/") {
			return // a postback
		}
		body, _ := io.ReadAll(r.Body)
		plain, err := ins.Decode(body, testINSSecret)
		var n *ins.Notification
		if err == nil {
			n, err = ins.Parse(plain)
		}
		if err != nil {
			http.Error(w, "cannot open: "+err.Error(), http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.got = append(rc.got, n)
		rc.mu.Unlock()
		w.Write([]byte("OK, opened with key " + testINSSecret))
	}))
	t.Cleanup(rc.Close)
	return rc
}

// notifications returns what the receiver opened so far.
func (rc *insReceiver) notifications() []*ins.Notification {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*ins.Notification(nil), rc.got...)
}

// insSim is the default catalog, its postbacks and both roles' INS at rc;
// KETO-FE is a subscription.
func insSim(t *testing.T, rc *insReceiver) *simulator.Simulator {
	t.Helper()
	sim := newSim(t, rc.URL)
	p := sim.Catalog.Products["KETO-FE"]
	p.Recurring = true
	sim.Catalog.Products["KETO-FE"] = p
	sim.INS = &simulator.INSSender{TimeFactor: 1e-7}
	sim.INSEndpoints = []simulator.INSEndpoint{
		{Role: ins.Vendor, Target: simulator.INSTarget{URLs: []string{rc.URL + "/ins/vendor"}, Secret: testINSSecret}},
		{Role: ins.Affiliate, Target: simulator.INSTarget{URLs: []string{rc.URL + "/ins/affiliate"}, Secret: testINSSecret}},
	}
	return sim
}

// call sends a request to the control API and returns the status and the
// raw body.
func call(t *testing.T, srv *Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

// insAnswer is the part of an answer the INS tests read.
type insAnswer struct {
	INS []struct {
		Type, Role, Receipt, URL, Error string
		Status, Attempts                int
		Delivered                       bool
		Tries                           []struct {
			N      int
			URL    string
			Status int
			Reply  string
		}
		Notification map[string]any
	}
	INSOmitted *int `json:"ins_omitted"`
	Error      string
	Param      string
}

func decodeAnswer(t *testing.T, body string) insAnswer {
	t.Helper()
	var a insAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
	return a
}

// TestINSEndpoints: a journey POSTed to /journeys tells its purchases by
// INS; /ins/refund, /ins/chargeback and /ins/rebill tell the transactions
// against their receipts; GET /journal lists every INS delivery and DELETE
// forgets them; errors name what was wrong; the secret key, which the
// receiver quotes in its reply, never shows.
func TestINSEndpoints(t *testing.T) {
	rc := newINSReceiver(t)
	srv := serve(t, insSim(t, rc))
	var answers []string
	do := func(method, path, body string, want int) insAnswer {
		t.Helper()
		status, got := call(t, srv, method, path, body)
		answers = append(answers, got)
		if status != want {
			t.Fatalf("%s %s %s: %d %s; want %d", method, path, body, status, got, want)
		}
		if status == http.StatusNoContent {
			return insAnswer{}
		}
		return decodeAnswer(t, got)
	}
	// received checks that the receiver opened exactly the notifications
	// of typ for receipt, one per role, and that the answer lists them
	// delivered.
	received := func(a insAnswer, typ ins.TransactionType, receipt string) {
		t.Helper()
		roles := map[string]bool{}
		for _, n := range rc.notifications() {
			if n.TransactionType == typ && n.Receipt == receipt {
				roles[string(n.Role)] = true
			}
		}
		if !roles[string(ins.Vendor)] || !roles[string(ins.Affiliate)] {
			t.Errorf("receiver opened %s %s for roles %v; want VENDOR and AFFILIATE", typ, receipt, roles)
		}
		if len(a.INS) != 2 {
			t.Fatalf("answer lists %d INS deliveries; want 2: %+v", len(a.INS), a.INS)
		}
		for _, d := range a.INS {
			if d.Type != string(typ) || d.Receipt != receipt || !d.Delivered || d.Status != 200 || len(d.Tries) != 1 ||
				d.Tries[0].URL != d.URL || d.Tries[0].N != 1 || !strings.HasPrefix(d.Tries[0].Reply, "OK") || d.Notification["receipt"] != receipt {
				t.Errorf("INS delivery %+v; want %s %s delivered at the first try", d, typ, receipt)
			}
		}
	}

	j := do("POST", "/journeys", `{"funnel":"keto","affiliate":"aff01","tid":"clk42","accept":[true,false]}`, 200)
	if len(j.INS) != 4 {
		t.Fatalf("/journeys lists %d INS deliveries; want 4 (front and upsell, vendor and affiliate): %+v", len(j.INS), j.INS)
	}
	front, upsell := j.INS[0].Receipt, j.INS[2].Receipt
	if front == "" || front == upsell || j.INS[1].Receipt != front || j.INS[3].Receipt != upsell {
		t.Fatalf("receipts %q %q %q %q; want the front's twice, then the upsell's twice", front, j.INS[1].Receipt, upsell, j.INS[3].Receipt)
	}
	if got := len(rc.notifications()); got != 4 {
		t.Fatalf("receiver opened %d notifications after the journey; want 4", got)
	}
	received(insAnswer{INS: j.INS[:2]}, ins.Sale, front)
	received(insAnswer{INS: j.INS[2:]}, ins.Sale, upsell)
	for _, d := range j.INS {
		if d.Role == string(ins.Affiliate) && d.Notification["trackingCodes"] == nil {
			t.Errorf("affiliate SALE without trackingCodes: %v", d.Notification)
		}
	}

	received(do("POST", "/ins/refund", `{"receipt":"`+upsell+`"}`, 200), ins.Refund, upsell)
	received(do("POST", "/ins/rebill", `{"receipt":"`+front+`"}`, 200), ins.Bill, front+"-B002")
	received(do("POST", "/ins/chargeback", `{"receipt":"`+front+`-B002"}`, 200), ins.Chargeback, front+"-B002")

	for _, c := range []struct {
		name, path, body string
		status           int
		param, says      string
	}{
		{"UnknownReceipt", "/ins/refund", `{"receipt":"NOSUCHRCPT"}`, 404, "receipt", "NOSUCHRCPT"},
		{"UnknownRebill", "/ins/rebill", `{"receipt":"NOSUCHRCPT"}`, 404, "receipt", "NOSUCHRCPT"},
		{"NoReceipt", "/ins/chargeback", `{}`, 400, "receipt", "required"},
		{"AlreadyRefunded", "/ins/refund", `{"receipt":"` + upsell + `"}`, 400, "receipt", "already"},
		{"NotRecurring", "/ins/rebill", `{"receipt":"` + upsell + `"}`, 400, "receipt", "not recurring"},
		{"PaymentOnRefund", "/ins/refund", `{"receipt":"` + front + `","payment":2}`, 400, "payment", "only /ins/rebill"},
		{"ReceiptNotText", "/ins/refund", `{"receipt":5}`, 400, "", "receipt"},
		{"UnknownField", "/ins/rebill", `{"receipt":"` + front + `","paymnet":3}`, 400, "", "paymnet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := do("POST", c.path, c.body, c.status)
			if a.Param != c.param || !strings.Contains(a.Error, c.says) {
				t.Errorf("error %q param %q; want param %q and an error saying %q", a.Error, a.Param, c.param, c.says)
			}
		})
	}

	jl := do("GET", "/journal", "", 200)
	var types []string
	for _, d := range jl.INS {
		types = append(types, d.Type)
	}
	if want := "SALE,SALE,SALE,SALE,RFND,RFND,BILL,BILL,CGBK,CGBK"; strings.Join(types, ",") != want {
		t.Errorf("GET /journal lists INS %v; want %s", types, want)
	}
	if jl.INSOmitted == nil || *jl.INSOmitted != 0 {
		t.Errorf("GET /journal ins_omitted %v; want 0", jl.INSOmitted)
	}
	do("DELETE", "/journal", "", 204)
	if jl := do("GET", "/journal", "", 200); jl.INS == nil || len(jl.INS) != 0 {
		t.Errorf("after DELETE /journal: ins %v; want []", jl.INS)
	}

	for _, a := range answers {
		if strings.Contains(a, testINSSecret) {
			t.Errorf("an answer shows the INS secret key:\n%s", a)
		}
	}
	if !strings.Contains(answers[0], `"reply":"OK, opened with key ***"`) {
		t.Errorf("the journey's answer does not mask the key the receiver quoted:\n%s", answers[0])
	}
}

// TestINSWithoutEndpoints: the INS endpoints of a simulator without INS
// endpoints are a 409 that says how to set them; a journey's answer has no
// "ins".
func TestINSWithoutEndpoints(t *testing.T) {
	rc := newINSReceiver(t)
	srv := serve(t, newSim(t, rc.URL))
	status, body := call(t, srv, "POST", "/journeys", `{"funnel":"keto","affiliate":"aff01"}`)
	if status != 200 || strings.Contains(body, `"ins"`) {
		t.Fatalf("/journeys without INS endpoints: %d %s; want 200 without \"ins\"", status, body)
	}
	for _, path := range []string{"/ins/refund", "/ins/chargeback", "/ins/rebill", "/ins/insf", "/ins/cancel-rebill", "/ins/uncancel-rebill"} {
		status, body := call(t, srv, "POST", path, `{"receipt":"ABC"}`)
		if status != http.StatusConflict || !strings.Contains(body, "no INS endpoint") || !strings.Contains(body, "--ins-url") {
			t.Errorf("%s: %d %s; want 409 saying no INS endpoint is set and how to set one", path, status, body)
		}
	}
	if status, body := call(t, srv, "GET", "/ins/refund", ""); status != 405 || !strings.Contains(body, "POST") {
		t.Errorf("GET /ins/refund: %d %s; want 405 allowing POST", status, body)
	}
	if n := len(rc.notifications()); n != 0 {
		t.Errorf("receiver opened %d notifications; want none", n)
	}
}

// TestINSSubscriptionEndpoints: /ins/insf, /ins/cancel-rebill and
// /ins/uncancel-rebill tell INSF, CANCEL-REBILL and UNCANCEL-REBILL with
// zero amounts; an INSF does not count the charge; a cancelled
// subscription's rebill is refused until it is uncancelled; errors answer
// as /ins/rebill's do.
func TestINSSubscriptionEndpoints(t *testing.T) {
	rc := newINSReceiver(t)
	srv := serve(t, insSim(t, rc))
	do := func(path, body string, want int) insAnswer {
		t.Helper()
		status, got := call(t, srv, "POST", path, body)
		if status != want {
			t.Fatalf("POST %s %s: %d %s; want %d", path, body, status, got, want)
		}
		if strings.Contains(got, testINSSecret) {
			t.Errorf("POST %s shows the INS secret key:\n%s", path, got)
		}
		return decodeAnswer(t, got)
	}
	// told checks that the answer lists typ for receipt, delivered, to
	// both roles, with zero amounts unless money moved.
	told := func(a insAnswer, typ ins.TransactionType, receipt string) {
		t.Helper()
		roles := map[string]bool{}
		for _, d := range a.INS {
			roles[d.Role] = true
			if d.Type != string(typ) || d.Receipt != receipt || !d.Delivered || d.Notification["receipt"] != receipt {
				t.Errorf("INS delivery %s %s delivered %v; want %s %s delivered", d.Type, d.Receipt, d.Delivered, typ, receipt)
			}
			if typ != ins.Bill && (d.Notification["totalAccountAmount"] != 0.0 || d.Notification["totalOrderAmount"] != 0.0) {
				t.Errorf("%s %s: amounts %v/%v; want 0.00", d.Role, typ, d.Notification["totalAccountAmount"], d.Notification["totalOrderAmount"])
			}
		}
		if len(a.INS) != 2 || !roles[string(ins.Vendor)] || !roles[string(ins.Affiliate)] {
			t.Errorf("%s went to %v in %d deliveries; want VENDOR and AFFILIATE", typ, roles, len(a.INS))
		}
	}
	j := do("/journeys", `{"funnel":"keto","affiliate":"aff01","tid":"clk42","accept":[false]}`, 200)
	front := j.INS[0].Receipt

	told(do("/ins/insf", `{"receipt":"`+front+`"}`, 200), ins.InsufFunds, front+"-B002")
	told(do("/ins/rebill", `{"receipt":"`+front+`"}`, 200), ins.Bill, front+"-B002")
	told(do("/ins/insf", `{"receipt":"`+front+`","payment":3}`, 200), ins.InsufFunds, front+"-B003")
	told(do("/ins/cancel-rebill", `{"receipt":"`+front+`"}`, 200), ins.CancelRebill, front)
	for _, c := range []struct {
		name, path, body string
		status           int
		param, says      string
	}{
		{"RebillCancelled", "/ins/rebill", `{"receipt":"` + front + `"}`, 400, "receipt", "cancelled"},
		{"CancelTwice", "/ins/cancel-rebill", `{"receipt":"` + front + `"}`, 400, "receipt", "already cancelled"},
		{"CancelRebillReceipt", "/ins/cancel-rebill", `{"receipt":"` + front + `-B002"}`, 400, "receipt", "rebill's receipt"},
		{"UnknownReceipt", "/ins/uncancel-rebill", `{"receipt":"NOSUCHRCPT"}`, 404, "receipt", "NOSUCHRCPT"},
		{"UnknownINSF", "/ins/insf", `{"receipt":"NOSUCHRCPT"}`, 404, "receipt", "NOSUCHRCPT"},
		{"PaymentOnCancel", "/ins/cancel-rebill", `{"receipt":"` + front + `","payment":2}`, 400, "payment", "only /ins/rebill and /ins/insf"},
		{"NoReceipt", "/ins/insf", `{}`, 400, "receipt", "required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := do(c.path, c.body, c.status)
			if a.Param != c.param || !strings.Contains(a.Error, c.says) {
				t.Errorf("error %q param %q; want param %q and an error saying %q", a.Error, a.Param, c.param, c.says)
			}
		})
	}
	told(do("/ins/uncancel-rebill", `{"receipt":"`+front+`"}`, 200), ins.UncancelRebill, front)
	if a := do("/ins/uncancel-rebill", `{"receipt":"`+front+`"}`, 400); a.Param != "receipt" || !strings.Contains(a.Error, "is active") {
		t.Errorf("uncancel of an active subscription: %q %q", a.Param, a.Error)
	}
	told(do("/ins/rebill", `{"receipt":"`+front+`"}`, 200), ins.Bill, front+"-B003")

	var types []string
	for _, n := range rc.notifications() {
		if n.Role == ins.Vendor {
			types = append(types, string(n.TransactionType))
		}
	}
	if want := "SALE,INSF,BILL,INSF,CANCEL-REBILL,UNCANCEL-REBILL,BILL"; strings.Join(types, ",") != want {
		t.Errorf("the vendor's receiver opened %v; want %s", types, want)
	}
	for _, path := range []string{"/ins/insf", "/ins/cancel-rebill", "/ins/uncancel-rebill"} {
		if status, body := call(t, srv, "GET", path, ""); status != 405 || !strings.Contains(body, "POST") {
			t.Errorf("GET %s: %d %s; want 405 allowing POST", path, status, body)
		}
	}
}
