package rest

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagedList answers pages of size of ids 1..n, as an API that pages does
// (size > 0), or the whole list whatever the page, as one that does not.
func pagedList(n, size int, asked *[]int) func(context.Context, int) ([]int, error) {
	return func(_ context.Context, page int) ([]int, error) {
		*asked = append(*asked, page)
		lo, hi := 0, n
		if size > 0 {
			lo, hi = min((page-1)*size, n), min(page*size, n)
		}
		var out []int
		for id := lo + 1; id <= hi; id++ {
			out = append(out, id)
		}
		return out, nil
	}
}

func TestReadPages(t *testing.T) {
	tests := []struct {
		name      string
		n, size   int
		maxPages  int
		wantPages []int
		wantErr   error
	}{
		{name: "30 entries paged by 5: six pages and an empty one", n: 30, size: 5, wantPages: []int{1, 2, 3, 4, 5, 6, 7}},
		{name: "a short last page", n: 28, size: 5, wantPages: []int{1, 2, 3, 4, 5, 6, 7}},
		{name: "an API that does not page: the list again ends it", n: 30, size: 0, wantPages: []int{1, 2}},
		{name: "an empty list", n: 0, size: 5, wantPages: []int{1}},
		{name: "exactly the bound", n: 10, size: 5, maxPages: 3, wantPages: []int{1, 2, 3}},
		{name: "past the bound", n: 30, size: 5, maxPages: 3, wantPages: []int{1, 2, 3}, wantErr: ErrTooManyPages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []int
			got, err := ReadPages(context.Background(), "test GET /list", tt.maxPages, pagedList(tt.n, tt.size, &asked), strconv.Itoa)
			assert.Equal(t, tt.wantPages, asked, "pages asked for")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.ErrorContains(t, err, "test GET /list")
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, got, "an empty list is not a missing one")
			assert.Len(t, got, tt.n)
			for i, id := range got {
				assert.Equal(t, i+1, id, "every entry once, in order")
			}
		})
	}
}

func TestReadPagesFailingPage(t *testing.T) {
	boom := errors.New("boom")
	_, err := ReadPages(context.Background(), "test GET /list", 0, func(_ context.Context, page int) ([]int, error) {
		if page == 2 {
			return nil, boom
		}
		return []int{1, 2}, nil
	}, strconv.Itoa)
	require.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, "page 2", "a failure after page 1 names the page")
}

// pageAnswer is a page as a whole answer: its entries and what it says besides.
type pageAnswer struct {
	page int
	ids  []int
}

func TestReadAnswerPages(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		n, size   int
		failOn    int
		wantFirst int
		wantErr   error
	}{
		{name: "30 entries paged by 5: the first answer and every entry", n: 30, size: 5, wantFirst: 1},
		{name: "an API that does not page", n: 30, size: 0, wantFirst: 1},
		{name: "an empty list keeps the first answer", n: 0, size: 5, wantFirst: 1},
		{name: "page 1 fails", n: 30, size: 5, failOn: 1, wantErr: boom},
		{name: "page 3 fails", n: 30, size: 5, failOn: 3, wantErr: boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []int
			pages := pagedList(tt.n, tt.size, &asked)
			read := func(ctx context.Context, page int) (*pageAnswer, error) {
				if page == tt.failOn {
					return nil, boom
				}
				ids, err := pages(ctx, page)
				return &pageAnswer{page: page, ids: ids}, err
			}
			first, got, err := ReadAnswerPages(context.Background(), "test GET /list", 0, read, func(a *pageAnswer) []int { return a.ids }, strconv.Itoa)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, first)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, first)
			assert.Equal(t, tt.wantFirst, first.page, "the first page's answer")
			assert.Len(t, got, tt.n)
			for i, id := range got {
				assert.Equal(t, i+1, id, "every entry once, in order")
			}
		})
	}
}
