package ca

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCached(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reads := 0
	var fail error
	read := func(context.Context) (int, error) {
		reads++
		return reads, fail
	}
	c := &Cached[int]{MaxAge: time.Hour}
	get := func(fresh bool) int {
		v, err := c.Get(context.Background(), now, fresh, read)
		if fail == nil {
			require.NoError(t, err)
		}
		return v
	}
	assert.Equal(t, 1, get(false))
	assert.Equal(t, 1, get(false), "kept")
	assert.Equal(t, 2, get(true), "fresh reads again")
	now = now.Add(time.Hour)
	assert.Equal(t, 3, get(false), "older than MaxAge")
	fail = errors.New("boom")
	_, err := c.Get(context.Background(), now, true, read)
	require.Error(t, err)
	fail = nil
	assert.Equal(t, 3, get(false), "an error keeps nothing, and drops nothing")
	var zero Cached[int]
	v1, _ := zero.Get(context.Background(), now, false, read)
	v2, _ := zero.Get(context.Background(), now, false, read)
	assert.NotEqual(t, v1, v2, "the zero value reads every time")
}
