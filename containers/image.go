package containers

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// Image repositories of the images this package builds. Tags are "dev-"
// followed by a hash of the build context, so an image is rebuilt only when
// its binary or Dockerfile changed.
const (
	// ReferenceRepo holds the cbsim image: the reference tracker and the
	// simulator.
	ReferenceRepo = "cbsim"
	// DockerfileRepo holds the images RunTrackerDockerfile builds.
	DockerfileRepo = "cbsim-tracker-under-test"
)

// referenceDockerfile is the repository's Dockerfile, used when the module
// source is not at hand (a cbsim binary running outside its repository).
// TestReferenceDockerfileInSync keeps the two equal.
const referenceDockerfile = `# The cbsim image: the reference tracker by default, the simulator with
# ` + "`serve --addr 0.0.0.0:8080`" + `. It is FROM scratch around a static binary, so
# building it pulls nothing. The build context needs only bin/cbsim:
#
#   make build && docker build -t cbsim:dev .
#
# containers.RunTracker and containers.RunSimulator build it from a context
# holding just this file and bin/cbsim, tagged cbsim:dev-<hash of both>.
# The tracker listens on 8800, the simulator on 8080 (no EXPOSE: every
# instruction costs the legacy builder a container, and the ports are
# published explicitly anyway).
FROM scratch
COPY bin/cbsim /cbsim
# scratch has no directories: WORKDIR creates /data, which holds the
# tracker's database and SQLite's temporary files. It lives in the
# container's own filesystem, which survives a stop and start.
WORKDIR /data
# CBSIM_API_KEY is the reporting API key when --api-key is not given: a
# development default, override it with docker run -e CBSIM_API_KEY=...
ENV TMPDIR=/data CBSIM_API_KEY=cbsim-dev-key
ENTRYPOINT ["/cbsim"]
CMD ["tracker", "--addr", "0.0.0.0:8800", "--db", "/data/tracker.db"]
`

// ReferenceImage builds the cbsim image from the repository's Dockerfile
// around binary (a static Linux cbsim) unless an image of the same content
// exists, and returns its reference (cbsim:dev-<hash>). Build output goes to
// buildLog; nil discards it.
func ReferenceImage(ctx context.Context, binary string, buildLog io.Writer) (string, error) {
	if err := checkStaticLinux(binary); err != nil {
		return "", err
	}
	dockerfile := []byte(referenceDockerfile)
	if root, err := moduleRoot(ctx); err == nil {
		if b, err := os.ReadFile(filepath.Join(root, "Dockerfile")); err == nil {
			dockerfile = b
		}
	}
	binSum, err := fileHash(binary)
	if err != nil {
		return "", fmt.Errorf("hash binary: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "Dockerfile\x00%x\x00bin/cbsim\x00%s\x00", sha256.Sum256(dockerfile), binSum)
	ref := ReferenceRepo + ":dev-" + hex.EncodeToString(h.Sum(nil))[:16]

	err = ensureImage(ctx, ref, func() (testcontainers.FromDockerfile, error) {
		archive, err := referenceContext(dockerfile, binary)
		if err != nil {
			return testcontainers.FromDockerfile{}, err
		}
		return testcontainers.FromDockerfile{ContextArchive: archive, Dockerfile: "Dockerfile", BuildLogWriter: buildLog}, nil
	})
	if err != nil {
		return "", fmt.Errorf("image %s: %w", ref, err)
	}
	return ref, nil
}

// referenceContext is the tar build context of the cbsim image: the
// Dockerfile and the binary at bin/cbsim.
func referenceContext(dockerfile []byte, binary string) (io.ReadSeeker, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		mode int64
		data []byte
	}{
		{"Dockerfile", 0o644, dockerfile},
		{"bin/cbsim", 0o755, bin},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return bytes.NewReader(buf.Bytes()), nil
}

// DockerfileImage builds the image of dockerfile with contextDir as build
// context ("" means the Dockerfile's directory) unless an image of the same
// context exists, and returns its reference
// (cbsim-tracker-under-test:dev-<hash>). Build output goes to buildLog; nil
// discards it. The Dockerfile must not need to pull images on machines
// without registry access (use FROM scratch).
func DockerfileImage(ctx context.Context, dockerfile, contextDir string, buildLog io.Writer) (string, error) {
	dockerfile, err := filepath.Abs(dockerfile)
	if err != nil {
		return "", fmt.Errorf("dockerfile: %w", err)
	}
	if contextDir == "" {
		contextDir = filepath.Dir(dockerfile)
	}
	if contextDir, err = filepath.Abs(contextDir); err != nil {
		return "", fmt.Errorf("build context: %w", err)
	}
	rel, err := filepath.Rel(contextDir, dockerfile)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("dockerfile %s: not inside the build context %s", dockerfile, contextDir)
	}
	sum, err := dirHash(contextDir, filepath.ToSlash(rel))
	if err != nil {
		return "", fmt.Errorf("build context %s: %w", contextDir, err)
	}
	ref := DockerfileRepo + ":dev-" + sum[:16]
	err = ensureImage(ctx, ref, func() (testcontainers.FromDockerfile, error) {
		return testcontainers.FromDockerfile{Context: contextDir, Dockerfile: filepath.ToSlash(rel), BuildLogWriter: buildLog}, nil
	})
	if err != nil {
		return "", fmt.Errorf("image %s from %s: %w", ref, dockerfile, err)
	}
	return ref, nil
}

// dirHash hashes the names, modes and contents of every file under dir,
// together with the Dockerfile's path in it.
func dirHash(dir, dockerfile string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "dockerfile\x00%s\x00", dockerfile)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%o\x00", filepath.ToSlash(rel), info.Mode())
		switch {
		case info.Mode().IsRegular():
			sum, err := fileHash(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00", sum)
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00", target)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// localImage returns nil when the engine holds image, and otherwise an
// error that says so: testcontainers-go pulls an image it does not find,
// and cbsim never pulls (its machines reach no registry, and a typo must not
// fetch a stranger's image). It runs before any container is created.
func localImage(ctx context.Context, image string) error {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return fmt.Errorf("docker: %w", err)
	}
	defer p.Close()
	return inspectLocal(ctx, p.Client(), image)
}

// imageInspector is the part of the Docker client inspectLocal uses.
type imageInspector interface {
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
}

// inspectLocal looks image up on the engine behind api, never in a registry.
func inspectLocal(ctx context.Context, api imageInspector, image string) error {
	_, err := api.ImageInspect(ctx, image)
	switch {
	case err == nil:
		return nil
	case errdefs.IsNotFound(err):
		return fmt.Errorf("image %s not found locally; build it or load it (docker build -t %s …, or docker load): cbsim never pulls images", image, image)
	}
	return fmt.Errorf("docker: inspect image %s: %w", image, err)
}

// imageBuilds serializes ensureImage within the process, so that tests
// running in parallel build an image once instead of racing to tag it (the
// loser's image would be left dangling). Package-level like builtBinary.
var imageBuilds sync.Mutex

// ensureImage builds ref ("repo:tag") from the build description df returns
// unless the engine already has an image of that name. The image is kept
// after the containers that use it are terminated.
func ensureImage(ctx context.Context, ref string, df func() (testcontainers.FromDockerfile, error)) error {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return fmt.Errorf("docker: %w", err)
	}
	defer p.Close()
	imageBuilds.Lock()
	defer imageBuilds.Unlock()
	if _, err := p.Client().ImageInspect(ctx, ref); err == nil {
		return nil
	}
	build, err := df()
	if err != nil {
		return err
	}
	build.Repo, build.Tag, _ = strings.Cut(ref, ":")
	build.KeepImage = true
	if _, err := p.BuildImage(ctx, &testcontainers.ContainerRequest{FromDockerfile: build}); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	pruneImages(ctx, p.Client(), build.Repo, ref)
	return nil
}

// pruneAge is how old a superseded dev image must be before pruneImages
// removes it: a concurrent process may have just built it and be about to
// start a container of it.
const pruneAge = 10 * time.Minute

// pruneImages removes the repo:dev-* images other than keep that are older
// than pruneAge, so that images built for every change of the source do not
// pile up. Images in use by a container are kept (the engine refuses), and
// failures are ignored: pruning is housekeeping.
func pruneImages(ctx context.Context, api client.APIClient, repo, keep string) {
	list, err := api.ImageList(ctx, client.ImageListOptions{
		Filters: make(client.Filters).Add("reference", repo+":dev-*"),
	})
	if err != nil {
		return
	}
	cutoff := time.Now().Add(-pruneAge).Unix()
	for _, img := range list.Items {
		if img.Created > cutoff {
			continue
		}
		for _, tag := range img.RepoTags {
			if tag != keep && strings.HasPrefix(tag, repo+":dev-") {
				_, _ = api.ImageRemove(ctx, tag, client.ImageRemoveOptions{PruneChildren: true})
			}
		}
	}
}
