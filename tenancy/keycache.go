package tenancy

import (
	"sync"
	"time"

	"github.com/privet-dev/privet"
)

// keyCacheTTL is how long an authenticated key is trusted without asking the
// store again. A revocation on this server takes effect at once; on another
// server sharing the database, within this bound.
const keyCacheTTL = 5 * time.Second

// keyCacheSize bounds the cache; when full it starts again empty.
const keyCacheSize = 10_000

// keyCache remembers recently authenticated keys by the hash of their
// secret, so a request does not cost a database read to authenticate.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]cachedKey
}

type cachedKey struct {
	key     *privet.APIKey
	expires time.Time
}

func (c *keyCache) get(hash []byte, now time.Time) *privet.APIKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.keys[string(hash)]
	if !ok || now.After(e.expires) {
		return nil
	}
	return e.key
}

func (c *keyCache) put(hash []byte, k *privet.APIKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil || len(c.keys) >= keyCacheSize {
		c.keys = make(map[string]cachedKey)
	}
	c.keys[string(hash)] = cachedKey{key: k, expires: now.Add(keyCacheTTL)}
}

// drop forgets a key by id, e.g. once it is revoked.
func (c *keyCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.keys {
		if e.key.ID == id {
			delete(c.keys, h)
		}
	}
}
