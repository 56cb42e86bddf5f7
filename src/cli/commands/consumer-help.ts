/** The `--help` lines of the consumer settings every consumer-group member (worker, gateway) reads. */
export const CONSUMER_VARIABLES_HELP = `  HOLDFAST_COMMIT_INTERVAL_MS         how often consumed positions are committed, for lag (default 5000)
  HOLDFAST_FETCH_MIN_BYTES            a fetch is answered at this many bytes… (default 1024)
  HOLDFAST_FETCH_MAX_WAIT_MS          …or after this wait (default 20)
  HOLDFAST_HEARTBEAT_INTERVAL_MS      how often the member tells the group it is alive (default 1000)
  HOLDFAST_REBALANCE_TIMEOUT_MS       how long a rebalance waits for members, at least the session timeout (default 10000)
  HOLDFAST_CONSUMER_RETRIES           retries of a failed consumer operation (default 8)
  HOLDFAST_CONSUMER_RETRY_INITIAL_MS  first retry's wait; later ones back off (default 100)
  HOLDFAST_CONSUMER_RETRY_MAX_MS      longest wait between two retries (default 3000)`;
