/** Who made a report: named in every report header and manifest. */
import packageJson from '../../package.json' with { type: 'json' };

export const GENERATOR = { name: 'verdict', version: packageJson.version } as const;
