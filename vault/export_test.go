package vault

// SettleKeyPool waits for the pool's background refills and destructions,
// so a test can check the key store after them without sleeping.
func (s *Service) SettleKeyPool() {
	if s.keyPool != nil {
		s.keyPool.wg.Wait()
	}
}
