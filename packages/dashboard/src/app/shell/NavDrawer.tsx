import { Box, Divider, Drawer, List, ListItemButton, ListItemIcon, ListItemText, Typography } from '@mui/material';
import { useLocation, useNavigate } from 'react-router-dom';
import { MENU } from '../menu';
import { StatisticsPanel } from '../../connection/StatisticsPanel';
import { Logo } from './Logo';

/** Left drawer: logo, the menu, the statistics panel. */
export function NavDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const current = pathname === '/' ? '/analysisboard' : pathname;
  return (
    <Drawer open={open} onClose={onClose}>
      <Box sx={{ width: 260 }} role="navigation">
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, p: 2 }}>
          <Logo height={36} />
          <Typography variant="h6" component="span" sx={{ fontWeight: 700 }}>
            MLboard
          </Typography>
        </Box>
        <Divider />
        <List>
          {MENU.map(({ label, path, icon: Icon }) => (
            <ListItemButton
              key={path}
              selected={current === path}
              onClick={() => {
                onClose();
                navigate(path);
              }}
            >
              <ListItemIcon>
                <Icon />
              </ListItemIcon>
              <ListItemText primary={label} />
            </ListItemButton>
          ))}
        </List>
        <Divider />
        <StatisticsPanel />
      </Box>
    </Drawer>
  );
}
