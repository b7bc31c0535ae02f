import type { SvgIconComponent } from '@mui/icons-material';
import DashboardIcon from '@mui/icons-material/TableChart';
import GraphsIcon from '@mui/icons-material/ShowChart';
import SettingsIcon from '@mui/icons-material/Settings';

export interface MenuItem {
  label: string;
  path: string;
  icon: SvgIconComponent;
}

/** The drawer menu, in order (the original's Dashboard / Graphs / Settings). */
export const MENU: MenuItem[] = [
  { label: 'Dashboard', path: '/dashboard', icon: DashboardIcon },
  { label: 'Graphs', path: '/analysisboard', icon: GraphsIcon },
  { label: 'Settings', path: '/settings', icon: SettingsIcon },
];
