import type { SvgIconComponent } from '@mui/icons-material';
import DashboardIcon from '@mui/icons-material/TableChart';
import GraphsIcon from '@mui/icons-material/ShowChart';
import SettingsIcon from '@mui/icons-material/Settings';
import SweepIcon from '@mui/icons-material/Timeline';
import CompareIcon from '@mui/icons-material/CompareArrows';
import CvIcon from '@mui/icons-material/Assessment';
import SearchIcon from '@mui/icons-material/Stairs';

export interface MenuItem {
  label: string;
  path: string;
  icon: SvgIconComponent;
}

/** The drawer menu, in order (the original's Dashboard / Graphs / Settings). */
export const MENU: MenuItem[] = [
  { label: 'Dashboard', path: '/dashboard', icon: DashboardIcon },
  { label: 'Graphs', path: '/analysisboard', icon: GraphsIcon },
  { label: 'Sweep', path: '/sweep', icon: SweepIcon },
  { label: 'Compare', path: '/compare', icon: CompareIcon },
  { label: 'CV report', path: '/cv-report', icon: CvIcon },
  { label: 'Search', path: '/search', icon: SearchIcon },
  { label: 'Settings', path: '/settings', icon: SettingsIcon },
];
