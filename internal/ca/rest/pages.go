package rest

import (
	"context"
	"errors"
	"fmt"
)

// DefaultMaxPages is how many pages of a list a client reads at most when
// Client.MaxPages is not set: 200 pages of even 20 entries is 4,000 orders.
const DefaultMaxPages = 200

// PageParam is the query parameter that asks for one page of a list,
// 1-based. No document of the three resellers describes paging; each
// assumes this one (its assumptions.go).
const PageParam = "page"

// ErrTooManyPages is wrapped by ReadPages when a list is longer than the
// client reads: what it has not read may hold the entry sought, so the
// caller must not act as if it were not there.
var ErrTooManyPages = errors.New("the list has more pages than the client reads")

// ReadPages reads a list an API may hand out a page at a time: page 1,
// then 2, 3, ... until a page brings no entry not seen before: an empty
// page past the last one, or the whole list again from an API that does
// not page and ignores the parameter. key identifies an entry across pages.
// More than maxPages pages (DefaultMaxPages when not positive) wraps
// ErrTooManyPages, naming what was being read.
func ReadPages[T any](ctx context.Context, what string, maxPages int, read func(ctx context.Context, page int) ([]T, error), key func(T) string) ([]T, error) {
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	seen := map[string]bool{}
	all := []T{}
	for page := 1; ; page++ {
		if page > maxPages {
			return nil, fmt.Errorf("%s: %w: %d pages read (%d entries) and the last still brought new ones; not reading on, and not assuming what is past them is absent",
				what, ErrTooManyPages, maxPages, len(all))
		}
		entries, err := read(ctx, page)
		if err != nil {
			if page > 1 {
				return nil, fmt.Errorf("%s, page %d: %w", what, page, err)
			}
			return nil, err
		}
		fresh := 0
		for _, e := range entries {
			if k := key(e); !seen[k] {
				seen[k] = true
				all = append(all, e)
				fresh++
			}
		}
		if fresh == 0 {
			return all, nil
		}
	}
}

// ReadAnswerPages reads, like ReadPages, a list whose pages are whole
// answers (R) that hold the entries (T, taken out by entries): it returns
// the first page's answer, for what the answer says besides its list, and
// the entries of every page.
func ReadAnswerPages[R, T any](ctx context.Context, what string, maxPages int, read func(ctx context.Context, page int) (*R, error), entries func(*R) []T, key func(T) string) (*R, []T, error) {
	var first *R
	all, err := ReadPages(ctx, what, maxPages, func(ctx context.Context, page int) ([]T, error) {
		answer, err := read(ctx, page)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = answer
		}
		return entries(answer), nil
	}, key)
	if err != nil {
		return nil, nil, err
	}
	return first, all, nil
}
