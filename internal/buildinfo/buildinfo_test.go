package buildinfo

import (
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
)

func TestFrom(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name                   string
		bi                     *debug.BuildInfo
		stampV, stampC, stampD string
		want                   Info
		line                   string
	}{
		{name: "NoBuildInfo", want: Info{Version: Devel, Go: runtime.Version(), Platform: platform},
			line: "cbsim devel (" + runtime.Version() + " " + platform + ")"},
		{name: "GoRunFromCheckout", bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: Devel, Go: "go1.26.8", Platform: platform}},
		{name: "GoInstallFromCheckout",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
				Settings: vcs("vcs", "git", "vcs.revision", "26c4bf6c0ffee0123456789abcdef0123456789a", "vcs.time", "2026-12-03T11:02:41Z", "vcs.modified", "true")},
			want: Info{Version: Devel, Commit: "26c4bf6c0ffee0123456789abcdef0123456789a", Modified: true, Date: "2026-12-03T11:02:41Z", Go: "go1.26.8", Platform: platform},
			line: "cbsim devel (commit 26c4bf6c0ffe+modified, 2026-12-03T11:02:41Z, go1.26.8 " + platform + ")"},
		{name: "GoInstallAtVersion", bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.0"}},
			want: Info{Version: "v0.1.0", Go: "go1.26.8", Platform: platform}},
		{name: "StampsWin",
			bi:     &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("vcs.revision", "aaaa", "vcs.time", "2026-01-01T00:00:00Z")},
			stampV: "v0.2.0-3-gbbbb", stampC: "bbbb", stampD: "2026-12-03T12:00:00Z",
			want: Info{Version: "v0.2.0-3-gbbbb", Commit: "bbbb", Date: "2026-12-03T12:00:00Z", Go: "go1.26.8", Platform: platform},
			line: "cbsim v0.2.0-3-gbbbb (commit bbbb, 2026-12-03T12:00:00Z, go1.26.8 " + platform + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := From(tt.bi, tt.stampV, tt.stampC, tt.stampD)
			if got != tt.want {
				t.Fatalf("From = %+v, want %+v", got, tt.want)
			}
			if tt.line != "" && got.String() != tt.line {
				t.Errorf("String = %q, want %q", got.String(), tt.line)
			}
		})
	}
}

func TestProperties(t *testing.T) {
	in := Info{Version: "v0.1.0", Commit: "abc", Modified: true, Go: "go1.26.8", Platform: "linux/amd64"}
	want := [][2]string{{"cbsim.version", "v0.1.0"}, {"cbsim.commit", "abc+modified"}, {"cbsim.go", "go1.26.8"}, {"cbsim.platform", "linux/amd64"}}
	if got := in.Properties(); !slices.Equal(got, want) {
		t.Errorf("Properties = %v, want %v (the empty date left out)", got, want)
	}
}

// TestReadInTest: a test binary has build info; Read must not fail on it.
func TestReadInTest(t *testing.T) {
	in := Read()
	if in.Version == "" || in.Go == "" || in.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("Read = %+v", in)
	}
}
