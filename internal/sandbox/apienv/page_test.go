package apienv

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPage(t *testing.T) {
	tests := []struct {
		name           string
		size, n        int
		page           string
		wantLo, wantHi int
		wantErr        bool
	}{
		{name: "no paging: the whole list", size: 0, n: 30, page: "", wantLo: 0, wantHi: 30},
		{name: "no paging: the parameter ignored", size: 0, n: 30, page: "3", wantLo: 0, wantHi: 30},
		{name: "no parameter: the first page", size: 5, n: 30, page: "", wantLo: 0, wantHi: 5},
		{name: "a middle page", size: 5, n: 30, page: "3", wantLo: 10, wantHi: 15},
		{name: "the last page, full", size: 5, n: 30, page: "6", wantLo: 25, wantHi: 30},
		{name: "the last page, short", size: 5, n: 28, page: "6", wantLo: 25, wantHi: 28},
		{name: "past the last page: empty", size: 5, n: 30, page: "7", wantLo: 30, wantHi: 30},
		{name: "far past the last page: empty", size: 5, n: 30, page: "9223372036854775807", wantLo: 30, wantHi: 30},
		{name: "an empty list", size: 5, n: 0, page: "1", wantLo: 0, wantHi: 0},
		{name: "page zero", size: 5, n: 30, page: "0", wantErr: true},
		{name: "not a number", size: 5, n: 30, page: "two", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Config{PageSize: tt.size})
			q := url.Values{}
			if tt.page != "" {
				q.Set(PageParam, tt.page)
			}
			lo, hi, err := e.Page(q, tt.n)
			if tt.wantErr {
				require.Error(t, err)
				assert.ErrorContains(t, err, PageParam)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []int{tt.wantLo, tt.wantHi}, []int{lo, hi})
		})
	}
}

func TestZone(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	assert.Equal(t, "2030-01-02 03:04:05", New(Config{}).Local(at).Format(time.DateTime), "UTC unless set")
	apia := time.FixedZone("UTC+13", 13*3600)
	assert.Equal(t, "2030-01-02 16:04:05", New(Config{Zone: apia}).Local(at).Format(time.DateTime))
}
