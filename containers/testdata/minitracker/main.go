// Command minitracker is a tiny tracker under test that is not cbsim's: it
// listens on :9000, answers GET /health, records GET /pb?clickid=&sum= and
// lists them at GET /api/v1/conversions?api_key=$API_KEY. The containers
// tests run it with RunTrackerDockerfile and RunTrackerImage.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"sync"
)

type conversion struct {
	ClickID string `json:"clickid"`
	Sum     string `json:"sum"`
}

func main() {
	key := os.Getenv("API_KEY")
	var mu sync.Mutex
	var conversions []conversion
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /pb", func(w http.ResponseWriter, r *http.Request) {
		c := conversion{ClickID: r.URL.Query().Get("clickid"), Sum: r.URL.Query().Get("sum")}
		if c.ClickID == "" {
			http.Error(w, "missing clickid", http.StatusBadRequest)
			return
		}
		mu.Lock()
		conversions = append(conversions, c)
		mu.Unlock()
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /api/v1/conversions", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api_key") != key {
			http.Error(w, "wrong api_key", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"items": conversions})
	})
	log.Println("minitracker listening on :9000")
	log.Fatal(http.ListenAndServe(":9000", mux))
}
