// The chart library as the dashboard loads it: the package's standalone ES module, served by the API
// at /dashboard/vendor/lightweight-charts.mjs (no CDN). Its types are the package's own.
export * from 'lightweight-charts';
