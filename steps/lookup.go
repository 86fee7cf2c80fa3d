package steps

// Finding the catalog step a sentence of a feature matches.

import (
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
)

// compiledStep is a catalog step with its pattern compiled and the name of
// the World method that runs it.
type compiledStep struct {
	Step
	re     *regexp.Regexp
	method string // "steps.(*World).anIntegrationWith"
}

// compiledCatalog is the catalog compiled once; it never changes after.
var compiledCatalog = sync.OnceValue(func() []compiledStep {
	out := make([]compiledStep, len(catalog))
	for i, s := range catalog {
		out[i] = compiledStep{Step: s, re: regexp.MustCompile(s.Pattern), method: methodName(s.bind(&World{}))}
	}
	return out
})

// lookup returns the catalog step whose pattern matches text.
func lookup(text string) (compiledStep, bool) {
	for _, s := range compiledCatalog() {
		if s.re.MatchString(text) {
			return s, true
		}
	}
	return compiledStep{}, false
}

// methodName names the method behind a method value such as
// w.anIntegrationWith: "steps.(*World).anIntegrationWith". The Go runtime
// knows a method value only by its wrapper, which it places in no file, so
// the name is where the step's code is.
func methodName(fn any) string {
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return ""
	}
	name := f.Name()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSuffix(name, "-fm")
}
