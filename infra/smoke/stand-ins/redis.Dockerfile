# Stand-in for the official redis image: Debian's Redis, run as `redis` from /data.
FROM trading-stand-in/stores:bookworm
RUN mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
