package redtrack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/cbsim/cbsim/redtrack"
)

const api = "https://api.redtrack.test"

// mockClient returns a client whose requests go to a per-test mock transport.
func mockClient(t *testing.T) (*redtrack.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	return &redtrack.Client{BaseURL: api, APIKey: "k1", HTTPClient: &http.Client{Transport: mt}}, mt
}

func jsonResponse(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json")
	return r
}

func TestConversionsPagination(t *testing.T) {
	c, mt := mockClient(t)
	var calls atomic.Int32
	all := []string{"a", "b", "c", "d", "e"}
	mt.RegisterResponder(http.MethodGet, api+"/conversions", func(req *http.Request) (*http.Response, error) {
		calls.Add(1)
		q := req.URL.Query()
		want := url.Values{"api_key": {"k1"}, "clickid": {"c1"}, "type": {"InitialPurchase"},
			"date_from": {"2026-03-01"}, "date_to": {"2026-03-02"}, "per": {"2"}, "page": {q.Get("page")}}
		if q.Encode() != want.Encode() {
			return jsonResponse(400, `{"error":"unexpected query `+q.Encode()+`"}`), nil
		}
		var n int
		fmt.Sscan(q.Get("page"), &n)
		var items []string
		for i := (n - 1) * 2; i < min(n*2, len(all)); i++ {
			items = append(items, fmt.Sprintf(`{"id":%q,"clickid":"c1","type":"InitialPurchase","payout":12.5,"created_at":"2026-03-01T10:00:00Z","params":{"zip":"90210"}}`, all[i]))
		}
		return jsonResponse(200, `{"items":[`+strings.Join(items, ",")+`],"total":5}`), nil
	})
	got, err := c.Conversions(context.Background(), redtrack.Query{
		ClickID: "c1", Type: "InitialPurchase", PerPage: 2,
		From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, cv := range got {
		ids = append(ids, cv.ID)
	}
	if fmt.Sprint(ids) != fmt.Sprint(all) {
		t.Errorf("ids = %v, want %v", ids, all)
	}
	if calls.Load() != 3 {
		t.Errorf("%d requests, want 3 pages", calls.Load())
	}
	want := redtrack.Conversion{ID: "a", ClickID: "c1", Type: "InitialPurchase", Payout: 12.5,
		CreatedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Params: map[string]string{"zip": "90210"}}
	if fmt.Sprint(got[0]) != fmt.Sprint(want) || got[0].PayoutCents() != 1250 {
		t.Errorf("first = %+v, want %+v", got[0], want)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name    string
		respond httpmock.Responder
		check   func(t *testing.T, err error)
	}{
		{"Unauthorized", httpmock.ResponderFromResponse(jsonResponse(401, `{"error":"Invalid api key"}`)),
			func(t *testing.T, err error) {
				apiErr, ok := errors.AsType[*redtrack.APIError](err)
				if !ok || apiErr.Status != 401 || apiErr.Message != "Invalid api key" {
					t.Fatalf("err = %#v, want *APIError 401", err)
				}
				if !strings.Contains(err.Error(), "api key refused") {
					t.Errorf("err = %q, want it to say the api key was refused", err)
				}
			}},
		{"MalformedJSON", httpmock.NewStringResponder(200, "<html><body>Bad gateway</body></html>"),
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), `"<html><body>Bad gateway`) {
					t.Errorf("err = %v, want it to quote the body", err)
				}
			}},
		{"TruncatedJSON", httpmock.NewStringResponder(200, `{"items":[{"id":"a"`),
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "not the expected JSON") {
					t.Errorf("err = %v", err)
				}
			}},
		{"BadPayout", httpmock.NewStringResponder(200, `{"items":[{"id":"a","payout":true}],"total":1}`),
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "payout") {
					t.Errorf("err = %v", err)
				}
			}},
		{"ServerErrorText", httpmock.NewStringResponder(502, "upstream down"),
			func(t *testing.T, err error) {
				apiErr, ok := errors.AsType[*redtrack.APIError](err)
				if !ok || apiErr.Status != 502 || apiErr.Message != `"upstream down"` {
					t.Errorf("err = %#v", err)
				}
			}},
		{"Transport", httpmock.NewErrorResponder(errors.New("connection refused")),
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "connection refused") {
					t.Errorf("err = %v", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodGet, api+"/conversions", tt.respond)
			_, err := c.Conversions(context.Background(), redtrack.Query{})
			tt.check(t, err)
		})
	}
}

func TestTimeout(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, api+"/conversions", func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Conversions(ctx, redtrack.Query{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestLenientDecoding(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, api+"/conversions", httpmock.NewStringResponder(200,
		`{"items":[{"id":"a","payout":"7.5","created_at":"2026-03-01 10:00:00","params":{"n":3,"z":null,"s":"x"},"sub1":"ignored"}],"total":1}`))
	got, err := c.Conversions(context.Background(), redtrack.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].PayoutCents() != 750 || !got[0].CreatedAt.Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) ||
		fmt.Sprint(got[0].Params) != "map[n:3 s:x z:]" {
		t.Errorf("got %+v", got[0])
	}
}

func TestTracksAndRejections(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, api+"/tracks", func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("clickid") != "c1" {
			return jsonResponse(400, `{"error":"no clickid"}`), nil
		}
		return jsonResponse(200, `{"items":[{"clickid":"c1","campaign":"camp","created_at":"2026-03-01T10:00:00Z","subs":{"sub1":"x"}}],"total":1}`), nil
	})
	mt.RegisterResponder(http.MethodGet, api+"/rejections", httpmock.NewStringResponder(200,
		`{"items":[{"created_at":"2026-03-01T10:00:00Z","query":"clickid=","param":"clickid","error":"missing click id","status":400}],"total":1}`))
	tracks, err := c.Tracks(context.Background(), "c1")
	if err != nil || len(tracks) != 1 || tracks[0].Subs["sub1"] != "x" || tracks[0].Campaign != "camp" {
		t.Errorf("Tracks = %+v, %v", tracks, err)
	}
	rej, err := c.Rejections(context.Background())
	if err != nil || len(rej) != 1 || rej[0].Param != "clickid" || rej[0].Status != 400 {
		t.Errorf("Rejections = %+v, %v", rej, err)
	}
}

func TestClickAndCreateCampaign(t *testing.T) {
	c, mt := mockClient(t)
	c.TrackingURL = "https://trk.example.test/"
	mt.RegisterResponder(http.MethodGet, "https://trk.example.test/camp%201", func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		if q.Get("format") != "json" || q.Get("sub1") != "a b" || q.Has("api_key") {
			return jsonResponse(400, `{"error":"bad query `+req.URL.RawQuery+`"}`), nil
		}
		return jsonResponse(200, `{"clickid":"0123456789abcdef01234567"}`), nil
	})
	mt.RegisterResponder(http.MethodPost, api+"/api/campaigns", func(req *http.Request) (*http.Response, error) {
		var in map[string]string
		b, _ := io.ReadAll(req.Body)
		if json.Unmarshal(b, &in) != nil || in["name"] != "aff" || req.URL.Query().Get("api_key") != "k1" {
			return jsonResponse(400, `{"error":"bad body"}`), nil
		}
		return jsonResponse(201, `{"id":"ffffffffffffffffffffffff","name":"aff","offer_url":"`+in["offer_url"]+`"}`), nil
	})
	id, err := c.Click(context.Background(), "camp 1", url.Values{"sub1": {"a b"}})
	if err != nil || id != "0123456789abcdef01234567" {
		t.Errorf("Click = %q, %v", id, err)
	}
	cp, err := c.CreateCampaign(context.Background(), "aff", "http://x/?tid={clickid}")
	if err != nil || cp.ID != "ffffffffffffffffffffffff" || cp.OfferURL != "http://x/?tid={clickid}" {
		t.Errorf("CreateCampaign = %+v, %v", cp, err)
	}
}
