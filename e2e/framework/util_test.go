package framework

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The binaries the tests and make bench run are built as the image's: a
// change to the Dockerfile's build line must change buildFlags too.
func TestBuildFlagsAreTheImages(t *testing.T) {
	root, err := RepoRoot()
	require.NoError(t, err)
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	require.NoError(t, err)
	var quoted []string
	for _, f := range buildFlags {
		if strings.Contains(f, " ") {
			f = strconv.Quote(f)
		}
		quoted = append(quoted, f)
	}
	flags, _ := strings.CutPrefix(strings.Join(quoted, " "), "-buildvcs=false ")
	want := "RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build " + flags + " -o /out/reseller-issuer ./cmd/reseller-issuer"
	assert.Contains(t, strings.Split(string(dockerfile), "\n"), want)
}
