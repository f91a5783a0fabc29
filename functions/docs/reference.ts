import { httpHandler } from '../shared/http.ts';

/** The page needs no CDN: Swagger UI's files are served by the asset route beside it. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>IB OMS API reference</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#reference', deepLinking: true, tryItOutEnabled: true });
  </script>
</body>
</html>
`;

/** GET /api/docs: the interactive reference of /api/openapi.json. */
export const handler = httpHandler(async () => ({
  status: 200,
  body: PAGE,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' },
}));
