"""qifu (企服): enterprise service commissioners and work resumption."""
