# Stand-in for the official postgres image: Debian's PostgreSQL behind an entrypoint that takes the
# same settings (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, each also as *_FILE; PGDATA).
FROM trading-stand-in/stores:bookworm
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
RUN mkdir -p "$PGDATA" /var/run/postgresql && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && chmod 700 "$PGDATA"
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
