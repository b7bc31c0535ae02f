import { describe, expect, it } from 'vitest';
import { createReportFetch } from './reportFetch';

describe('the report stand-in for the REST endpoint', () => {
  it('answers the board requests for stored files from the report, and 404 for what it does not carry', async () => {
    const files = {
      'run_config.yml': 'a: 1\n',
      '3/experiment_config.json': '{"x":1}',
      '3/system_info.json': '{"os":"linux"}',
    };
    const get = createReportFetch('gs-1', files);
    const text = async (url: string) => {
      const res = await get(url);
      return [res.status, await res.text()];
    };
    expect(await text('http://report.invalid/grid_searches/gs-1/run_config')).toEqual([200, 'a: 1\n']);
    expect(await text('http://report.invalid/grid_searches/gs-1/run_config.yml')).toEqual([200, 'a: 1\n']);
    expect(await text('http://report.invalid/grid_searches/gs-1/3/experiment_config')).toEqual([200, '{"x":1}']);
    expect(await text('http://report.invalid/system-info/gs-1/3')).toEqual([200, '{"os":"linux"}']);
    expect(await text('http://report.invalid/checkpoint_list/gs-1/3')).toEqual([200, '[]']);
    const missing = await get('http://report.invalid/model-card/gs-1/3');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/not in this report/),
    });
    expect((await get('http://report.invalid/grid_searches/other/run_config')).status).toBe(404);
  });
});
