package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestServeCommand drives `cbsim serve` the way another stack would: plain
// HTTP against its ready URL, postbacks landing on a `cbsim tracker`.
func TestServeCommand(t *testing.T) {
	trk := startTrackerCommand(t, "--api-key", "K", "--campaign", "aff=https://hop.clickbank.net/?tid={clickid}")
	sim := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--tracker", trk)

	var click struct{ ClickID string }
	getJSON(t, trk+"/aff?format=json", &click)
	resp, err := http.Post(sim+"/fire", "application/json", strings.NewReader(`{"event":"initial_purchase","role":"affiliate","tid":"`+click.ClickID+`","price":"100.00","commission":"50"}`))
	if err != nil {
		t.Fatal(err)
	}
	var fired struct {
		Deliveries []struct {
			URL    string
			Status int
		}
	}
	json.NewDecoder(resp.Body).Decode(&fired)
	resp.Body.Close()
	if len(fired.Deliveries) != 1 || fired.Deliveries[0].Status != 200 {
		t.Fatalf("fire: %+v", fired)
	}
	var convs struct {
		Items []struct {
			ClickID string
			Payout  float64
			Type    string
		}
	}
	getJSON(t, trk+"/conversions?date_from=2000-01-01&date_to=2100-12-31&api_key=K", &convs)
	if len(convs.Items) != 1 || convs.Items[0].ClickID != click.ClickID || convs.Items[0].Payout != 45.75 || convs.Items[0].Type != "InitialPurchase" {
		t.Fatalf("tracker recorded %+v", convs.Items)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
