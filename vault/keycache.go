package vault

import (
	"sync"

	"github.com/privet-dev/privet/crypto"
)

// keyCacheSize bounds the opened data keys kept in memory. Unwrapping a data
// key costs tens of microseconds, far more than sealing or opening a value,
// so hot subjects keep theirs; a few thousand keys take well under a megabyte.
const keyCacheSize = 4096

// keyCache keeps opened data keys by tenant and subject. It evicts an
// arbitrary entry when full: a cache miss costs one unwrap, never a wrong
// answer. Erasure drops the subject's entry before the key is destroyed.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]*crypto.DataKey
}

func cacheKey(tenantID, subjectID string) string { return tenantID + "\x00" + subjectID }

func (c *keyCache) get(tenantID, subjectID string) *crypto.DataKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys[cacheKey(tenantID, subjectID)]
}

func (c *keyCache) put(tenantID, subjectID string, k *crypto.DataKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = make(map[string]*crypto.DataKey)
	}
	if len(c.keys) >= keyCacheSize {
		for victim := range c.keys {
			delete(c.keys, victim)
			break
		}
	}
	c.keys[cacheKey(tenantID, subjectID)] = k
}

func (c *keyCache) drop(tenantID, subjectID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.keys, cacheKey(tenantID, subjectID))
}
