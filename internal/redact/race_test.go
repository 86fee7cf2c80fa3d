package redact

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestAddWhileWriting: secrets added while a Writer masks text are safe
// (run with -race): Add must not reorder the forms a Write is scanning.
func TestAddWhileWriting(t *testing.T) {
	r := New("first-secret")
	w := r.Writer(&bytes.Buffer{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range 200 {
			// each longer than the last, so that it sorts before them
			r.Add(fmt.Sprintf("secret-%03d-%s", i, strings.Repeat("x", i)))
		}
	}()
	go func() {
		defer wg.Done()
		for range 200 {
			w.Write([]byte("api_key=first-secret&x=secret-001-b \n"))
			r.String("secret-002-xx")
		}
	}()
	wg.Wait()
	if got := r.String("k=secret-199-" + strings.Repeat("x", 199)); got != "k=***" {
		t.Fatalf("String = %q", got)
	}
}
